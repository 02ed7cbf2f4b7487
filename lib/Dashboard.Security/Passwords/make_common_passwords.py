#!/usr/bin/env python3
"""Builds common-passwords.txt, the list PasswordPolicy refuses (embedded in the assembly).

Sources, so the list can be rebuilt and reviewed:
1. Openwall's password.lst (Solar Designer, public domain; Debian package john-data,
   /usr/share/john/password.lst): ~3,500 passwords most seen in Unix and website leaks.
2. CHINESE below: passwords that top the published analyses of Chinese site leaks (CSDN, Tianya,
   12306 dumps) - pinyin phrases, 520/1314 love numbers, keyboard walks.
3. Pattern expansion: the base words people bend to pass "three character classes" rules
   (Password1!, Admin@123, Qwer1234, P@ssw0rd ...), so the rules alone do not admit them.
Matching is case-insensitive, so everything is written in lower case.
Usage: python3 make_common_passwords.py [/usr/share/john/password.lst] > common-passwords.txt
"""
import sys

CHINESE = """
123456 a123456 123456a 5201314 111111 woaini1314 qq123456 123123 000000 1qaz2wsx 1q2w3e4r qwe123
7758521 123qwe a123123 123456aa woaini520 woaini 100200 1314520 woaini123 123321 q123456 123456789a
123456789 12345678 88888888 zxcvbnm abc123456 aa123456 aa123456789 woaini521 147258369 5211314
wang123456 li123456 zhang123456 liu123456 chen123456 yang123456 zhao123456 huang123456 zhou123456
iloveyou 1314521 520520 5201314520 woaiwojia wodemima mima123 mima1234 zhongguo zhongguo123
beijing beijing123 shanghai nanjing suzhou hangzhou jiangsu zhejiang china123 china2008 qwer1234
asdf1234 zxcv1234 1qaz2wsx3edc qazwsx qazwsxedc 1q2w3e 1q2w3e4r5t abcd1234 abc123 a1234567
a12345678 aa112233 112233 123654 654321 666666 888888 168168 518518 999999 7758258 nihao123
wocaonima xiaoming xiaohong laopo520 laogong520 baobei520 baobei1314 woaini1314520 aini1314
qq5201314 jiayou123 xuesheng jiaoyu jiaoyu123 jiaoyuju xuexiao xiaozhang laoshi laoshi123
admin888 admin666 sa123456 root123 test123 test1234 guest123 user123 888888888 11111111
"""

BASES = """
password passw0rd p@ssword p@ssw0rd pass admin administrator root test guest user welcome
qwer qwert qwerty asdf zxcv qaz qazwsx abc abcd letmein iloveyou monkey dragon master sunshine
woaini aini woaiwojia mima zhongguo china beijing shanghai suzhou jiangsu zhejiang nanjing
hangzhou jiaoyu laoshi xuexiao xiaozhang baobei laopo laogong wang zhang li liu chen yang
zhao huang zhou wu sys system manager changeme secret default login oracle server dashboard
""".split()

SUFFIXES = """
1 12 123 1234 12345 123456 1! 12! 123! 1234! @1 @12 @123 @1234 @12345 @123456 #1 #123 !@# !@#$
123!@# 1314 520 521 5201314 888 666 000 111 2008 2010 2012 2015 2016 2017 2018 2019 2020 2021 2022
2023 2024 2025 2026 @2023 @2024 @2025 @2026 .123 _123 *123 123. 01 001 007 !
""".split()


def expansions():
    for base in BASES:
        yield base
        for suffix in SUFFIXES:
            yield base + suffix
    # "Aa123456"-style: a letter pair and a digit run, the most common complex-looking pattern.
    for prefix in ["a", "aa", "ab", "abc", "q", "qq", "qw", "qwe", "z", "zx", "zxc", "as", "asd", "wo", "w"]:
        for digits in ["123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "654321", "5201314", "1314", "520"]:
            for tail in ["", "!", ".", "@", "#", "!@#"]:
                yield prefix + digits + tail
                yield digits + prefix + tail


def main():
    words = []
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="latin-1") as f:
            words += [w.strip() for w in f if w.strip() and not w.startswith("#!comment")]
    words += CHINESE.split()
    words += list(expansions())
    seen = set()
    out = []
    for w in words:
        w = w.lower()
        if w not in seen and all(32 < ord(c) < 127 for c in w):
            seen.add(w)
            out.append(w)
    print("# Common passwords refused by PasswordPolicy (case-insensitive). Built by make_common_passwords.py;")
    print("# sources and reasons are in that script. One password per line; lines starting with # are comments.")
    print("\n".join(out))


main()

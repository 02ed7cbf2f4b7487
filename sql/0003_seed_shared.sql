-- Shared seed: provinces and prefecture-level cities above the five issuers, and the indicators that
-- several policy documents set targets on. Codes are the official administrative division codes
-- (GB/T 2260, as published by the Ministry of Civil Affairs). Per-document regions, indicators and
-- targets follow in 0004 and 0005; docs/regions.md and docs/targets.md say where each comes from.

INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES
('320000', '江苏省', 'Province', '', '省', 'GB/T 2260 administrative division code'),
('330000', '浙江省', 'Province', '', '省', 'GB/T 2260 administrative division code'),
('320500', '苏州市', 'City', '320000', '地级市', 'GB/T 2260 administrative division code'),
('321200', '泰州市', 'City', '320000', '地级市', 'GB/T 2260 administrative division code; issuer of 004_e24e188bf915a01c.txt'),
('331000', '台州市', 'City', '330000', '地级市', 'GB/T 2260 administrative division code; issuer of 001_cc58cea3482391e8.txt');

INSERT INTO indicators (code, name, name_en, unit, kind, direction, periodicity, numerator_definition, denominator_definition, definition) VALUES
('PUBLIC_ABSORPTION', '随迁子女在公办学校就读比例', 'Share of migrant children in public compulsory schools', '%', 'Ratio', 'HigherIsBetter', 'Term',
 '在公办义务教育学校（含政府购买学位）就读的随迁子女人数', '义务教育阶段随迁子女总人数',
 'Migrant children enrolled in public compulsory-education schools (including places the government buys) as a share of all migrant children in compulsory education, counted at the start of each school term.'),
('MIGRANT_SCHOOL_STANDARD', '随迁子女学校标准化达标率', 'Standardization rate of migrant-children schools', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '达到省义务教育标准化学校标准的随迁子女学校数（公办、民办）', '随迁子女学校总数（公办、民办）',
 'Schools mainly serving migrant children, public and private, that meet the provincial standard for compulsory-education schools, as a share of all such schools.'),
('KG_PUBLIC_COVERAGE', '公办幼儿园在园幼儿占比', 'Share of kindergarten children in public kindergartens', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '公办幼儿园在园幼儿数', '全部幼儿园在园幼儿数',
 'Children enrolled in public kindergartens as a share of all children enrolled in kindergartens.'),
('KG_INCLUSIVE_COVERAGE', '普惠性幼儿园覆盖率', 'Inclusive kindergarten coverage', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '公办园和普惠性民办园在园幼儿数', '全部幼儿园在园幼儿数',
 'Children in public and inclusive (price-capped) private kindergartens as a share of all children enrolled in kindergartens.'),
('KG_QUALITY_COVERAGE', '优质幼儿园覆盖率', 'Quality kindergarten coverage', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '省优质幼儿园在园幼儿数', '全部幼儿园在园幼儿数',
 'Children in kindergartens rated as quality kindergartens by the province (省优质园) as a share of all children enrolled in kindergartens.'),
('PRESCHOOL_GROSS_ENROLMENT', '学前三年毛入园率', 'Gross three-year preschool enrolment rate', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '幼儿园在园幼儿总数（不论年龄）', '3—5周岁适龄幼儿总数',
 'All children enrolled in kindergartens, whatever their age, divided by the resident population aged 3 to 5.'),
('BIG_CLASS_56', '56人及以上大班额数', 'Classes with 56 or more pupils', '个', 'Count', 'LowerIsBetter', 'Term',
 '', '',
 'Number of primary and junior-secondary classes with 56 or more pupils at the start of the term.'),
('NEW_SCHOOL_PLACES', '新增学位数', 'New school places delivered', '个', 'Count', 'HigherIsBetter', 'Year',
 '', '',
 'School places at every basic-education stage (kindergarten to high school) added by new, rebuilt or extended schools put into use in the period. Compulsory-only and high-school-only targets have their own indicators.'),
('ADMISSION_REVIEW_PASS', '入学资格网上审核通过率', 'Online admission review pass rate', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '网上审核一次通过的入学申请数', '网上提交的入学申请总数',
 'Admission applications (including migrant children\'s points-based admission) approved through the online review without paper re-submission, as a share of all online applications in the admission season.'),
('TEACHER_EXCHANGE_SHARE', '教师交流轮岗比例', 'Share of eligible teachers exchanged', '%', 'Ratio', 'HigherIsBetter', 'Year',
 '当年交流轮岗的教师数', '符合交流条件的在编教师数',
 'Teachers who moved between schools under the exchange and rotation system in the school year, as a share of teachers eligible for exchange.');

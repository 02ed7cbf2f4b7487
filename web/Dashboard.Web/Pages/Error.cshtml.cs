using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dashboard.Web.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "出错了";
    public string Message { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        (Title, Message) = code switch
        {
            403 => ("无权访问", "您的角色或管辖范围不包含此页面或此地区。如需访问，请联系安全管理员。"),
            404 => ("未找到", "该页面或地区不存在，或不在您的管辖范围内。"),
            400 => ("请求无效", "请求参数有误，请检查链接。"),
            _ => ("出错了", "系统处理请求时出错，请稍后重试。"),
        };
    }
}

using Dashboard.Data.Catalogue;

namespace Dashboard.Data.Periods;

/// <summary>
/// Period arithmetic for the three periodicities. A period is named by its first day; a school term is
/// reported in its first month (district feed contract): spring = 1 March – 31 August, autumn =
/// 1 September – end of February.
/// </summary>
public static class PeriodCalendar
{
    /// <summary>The first day of the period that contains <paramref name="day"/>.</summary>
    public static DateOnly Start(Periodicity periodicity, DateOnly day) => periodicity switch
    {
        Periodicity.Month => new DateOnly(day.Year, day.Month, 1),
        Periodicity.Year => new DateOnly(day.Year, 1, 1),
        Periodicity.Term => day.Month switch
        {
            >= 3 and <= 8 => new DateOnly(day.Year, 3, 1),
            >= 9 => new DateOnly(day.Year, 9, 1),
            _ => new DateOnly(day.Year - 1, 9, 1),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(periodicity)),
    };

    /// <summary>The last day of the period that starts at (or contains) <paramref name="first"/>.</summary>
    public static DateOnly End(Periodicity periodicity, DateOnly first)
    {
        var start = Start(periodicity, first);
        return periodicity switch
        {
            Periodicity.Month => start.AddMonths(1).AddDays(-1),
            Periodicity.Year => start.AddYears(1).AddDays(-1),
            _ => start.AddMonths(6).AddDays(-1),
        };
    }

    /// <summary>A running number of the period, so that the difference of two is the count of periods between them.</summary>
    public static int Index(Periodicity periodicity, DateOnly day)
    {
        var start = Start(periodicity, day);
        return periodicity switch
        {
            Periodicity.Month => start.Year * 12 + start.Month - 1,
            Periodicity.Year => start.Year,
            _ => start.Year * 2 + (start.Month == 9 ? 1 : 0),
        };
    }
}

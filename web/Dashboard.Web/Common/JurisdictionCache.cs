using System.Security.Claims;
using Dashboard.Web.Security;
using Microsoft.Extensions.Caching.Memory;

namespace Dashboard.Web.Common;

/// <summary>
/// What the api showed a user, reused for a short while by every user with the same roles and granted regions:
/// the api's answer to the same request depends on nothing else, so they would be shown the same thing. Used for
/// what no action in this web changes from one request to the next (the catalog, trend series of observations),
/// never for scorecard rows, which an override changes at once.
/// </summary>
/// <remarks>
/// When an entry is due, one request reloads it and the others meanwhile get the one there is: when sixteen users
/// all reloaded the catalog at once, every minute, those pages took seconds. The reload runs in a request because
/// the api is asked as the signed-in user. Entries are dropped whole (<see cref="Clear"/>) after an edit through
/// this web that changes them.
/// </remarks>
public static class JurisdictionCache
{
    /// <summary>The part of a key that says whose view it is: roles and granted regions, sorted.</summary>
    public static string Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return string.Join(',', user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal))
            + "|" + string.Join(',', user.FindAll(SessionDefaults.RegionClaim).Select(c => c.Value).Order(StringComparer.Ordinal));
    }

    /// <summary>The cached value of <paramref name="item"/> for this user's view, loaded with <paramref name="load"/> when missing or older than <paramref name="fresh"/>.</summary>
    public static async Task<T> GetAsync<T>(IMemoryCache cache, ClaimsPrincipal user, string item, TimeSpan fresh, Func<Task<T>> load) where T : class
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(load);
        var key = item + "|" + Of(user);
        if (cache.TryGetValue(key, out Entry<T>? cached) && cached is not null)
        {
            if (Environment.TickCount64 - cached.LoadedAt < (long)fresh.TotalMilliseconds) return cached.Value;
            // Due: this request reloads unless another already is; the rest keep the old value a moment longer.
            if (Interlocked.CompareExchange(ref cached.Reloading, 1, 0) != 0) return cached.Value;
            try
            {
                return Store(cache, key, await load(), fresh);
            }
            finally
            {
                Volatile.Write(ref cached.Reloading, 0);
            }
        }
        return Store(cache, key, await load(), fresh);
    }

    /// <summary>Drops every entry (after an edit through this web that changes what they hold).</summary>
    public static void Clear(IMemoryCache cache)
    {
        if (cache is MemoryCache memory) memory.Compact(1.0);
    }

    private static T Store<T>(IMemoryCache cache, string key, T value, TimeSpan fresh) where T : class
    {
        // Kept a while past due so a quiet minute does not send the next user back to a cold load.
        cache.Set(key, new Entry<T>(value, Environment.TickCount64), fresh * 10 + TimeSpan.FromMinutes(1));
        return value;
    }

    private sealed class Entry<T>(T value, long loadedAt)
    {
        public T Value { get; } = value;
        public long LoadedAt { get; } = loadedAt;
        public int Reloading;
    }
}

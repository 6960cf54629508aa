using System.Security.Cryptography;
using System.Text;

namespace Tensorless.Rl.Sweeps;

/// <summary>One swept option's value in a configuration.</summary>
/// <param name="Key">Override key.</param>
/// <param name="Value">Value as <c>--set</c> spells it.</param>
public sealed record SweepSetting(string Key, string Value);

/// <summary>One point of a sweep: a value for each swept option. Its seeds share the directory named by <see cref="Slug"/>.</summary>
/// <param name="Settings">The swept options' values, in axis order.</param>
public sealed record SweepConfiguration(IReadOnlyList<SweepSetting> Settings)
{
    /// <summary>The overrides this configuration adds, <c>key=value</c> each.</summary>
    public IReadOnlyList<string> Overrides => [.. Settings.Select(s => $"{s.Key}={s.Value}")];

    /// <summary>A readable label such as <c>learning_rate=1e-3, gamma=0.99</c> (<c>default</c> with no settings).</summary>
    public string Label => Settings.Count == 0 ? "default" : string.Join(", ", Overrides);

    /// <summary>
    /// The directory name: <c>key=value</c> pairs joined by <c>__</c>, characters outside <c>[A-Za-z0-9._=+-]</c> replaced
    /// by <c>-</c>; a long one is cut and given a hash suffix so distinct configurations never share a directory.
    /// </summary>
    public string Slug
    {
        get
        {
            if (Settings.Count == 0)
            {
                return "default";
            }

            var sb = new StringBuilder();
            foreach (char c in string.Join("__", Overrides))
            {
                sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '=' or '+' or '-' ? c : '-');
            }

            string slug = sb.ToString();
            bool lossy = slug != string.Join("__", Overrides);
            if (slug.Length <= 96 && !lossy)
            {
                return slug;
            }

            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", Overrides))))[..8];
            return $"{slug[..Math.Min(slug.Length, 87)]}-{hash}";
        }
    }
}

/// <summary>One run of a sweep: a configuration, a seed and the run directory.</summary>
/// <param name="Configuration">The configuration.</param>
/// <param name="Seed">The training seed.</param>
/// <param name="Directory">The member's run directory.</param>
public sealed record SweepMember(SweepConfiguration Configuration, ulong Seed, string Directory);

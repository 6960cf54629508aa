namespace Tensorless.Rendering;

/// <summary>An RGB colour, 8 bits a channel.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Pure white, Gymnasium's background.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>Pure black.</summary>
    public static Rgb Black => new(0, 0, 0);
}

/// <summary>
/// A tiny rasteriser over an RGB pixel buffer, in the coordinates Gymnasium's pygame renderers draw in before
/// their final vertical flip: x to the right, y <b>up</b> from the bottom row (y = 0 is the last image row). Shapes
/// are filled where a pixel's centre lies inside them, without anti-aliasing, so a test can predict every pixel.
/// </summary>
public sealed class Canvas
{
    private readonly Rgb[] _pixels;

    /// <summary>Creates a canvas filled with <paramref name="background"/>.</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="background">Fill colour.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Canvas(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _pixels = new Rgb[width * height];
        Array.Fill(_pixels, background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixel at image column <paramref name="column"/> and image row <paramref name="row"/> (row 0 at the top).</summary>
    /// <param name="column">Column, 0 at the left.</param>
    /// <param name="row">Row, 0 at the top.</param>
    public Rgb this[int column, int row] => _pixels[(row * Width) + column];

    /// <summary>The pixel whose centre is nearest the drawing point (x, y), y up; null when off the canvas.</summary>
    /// <param name="x">Drawing x.</param>
    /// <param name="y">Drawing y (up).</param>
    public Rgb? At(double x, double y)
    {
        int column = (int)Math.Floor(x);
        int row = Height - 1 - (int)Math.Floor(y);
        return column >= 0 && column < Width && row >= 0 && row < Height ? this[column, row] : null;
    }

    /// <summary>Fills the polygon <paramref name="points"/> (even-odd rule, pixel centres).</summary>
    /// <param name="points">Vertices in drawing coordinates, in order; at least 3.</param>
    /// <param name="color">Fill colour.</param>
    /// <exception cref="ArgumentException">Fewer than 3 vertices.</exception>
    public void FillPolygon(ReadOnlySpan<(double X, double Y)> points, Rgb color)
    {
        if (points.Length < 3)
        {
            throw new ArgumentException($"A polygon needs at least 3 vertices, got {points.Length}.", nameof(points));
        }

        double minY = double.MaxValue, maxY = double.MinValue;
        foreach (var p in points)
        {
            minY = Math.Min(minY, p.Y);
            maxY = Math.Max(maxY, p.Y);
        }

        Span<double> crossings = points.Length <= 64 ? stackalloc double[points.Length] : new double[points.Length];
        int yStart = Math.Max(0, (int)Math.Floor(minY));
        int yEnd = Math.Min(Height - 1, (int)Math.Ceiling(maxY));
        for (int y = yStart; y <= yEnd; y++)
        {
            double cy = y + 0.5;
            int count = 0;
            for (int i = 0; i < points.Length; i++)
            {
                var a = points[i];
                var b = points[(i + 1) % points.Length];
                // Half-open rule: an edge counts when the scanline lies in [min y, max y), so shared vertices count once.
                if ((a.Y <= cy && b.Y > cy) || (b.Y <= cy && a.Y > cy))
                {
                    crossings[count++] = a.X + ((cy - a.Y) * (b.X - a.X) / (b.Y - a.Y));
                }
            }

            crossings[..count].Sort();
            for (int k = 0; k + 1 < count; k += 2)
            {
                FillSpan(y, crossings[k], crossings[k + 1], color);
            }
        }
    }

    /// <summary>Fills the disc of radius <paramref name="radius"/> around (<paramref name="cx"/>, <paramref name="cy"/>).</summary>
    /// <param name="cx">Centre x.</param>
    /// <param name="cy">Centre y (up).</param>
    /// <param name="radius">Radius in pixels; a non-positive radius draws nothing.</param>
    /// <param name="color">Fill colour.</param>
    public void FillCircle(double cx, double cy, double radius, Rgb color)
    {
        if (radius <= 0)
        {
            return;
        }

        int yStart = Math.Max(0, (int)Math.Floor(cy - radius));
        int yEnd = Math.Min(Height - 1, (int)Math.Ceiling(cy + radius));
        for (int y = yStart; y <= yEnd; y++)
        {
            double dy = y + 0.5 - cy;
            double half = (radius * radius) - (dy * dy);
            if (half >= 0)
            {
                double dx = Math.Sqrt(half);
                FillSpan(y, cx - dx, cx + dx, color);
            }
        }
    }

    /// <summary>Draws a line about one pixel wide from (x0, y0) to (x1, y1): every pixel the segment passes through
    /// at sub-pixel steps.</summary>
    /// <param name="x0">Start x.</param>
    /// <param name="y0">Start y (up).</param>
    /// <param name="x1">End x.</param>
    /// <param name="y1">End y (up).</param>
    /// <param name="color">Line colour.</param>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgb color)
    {
        int steps = (int)Math.Ceiling(Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) * 2) + 1;
        for (int i = 0; i <= steps; i++)
        {
            double t = (double)i / steps;
            Set(x0 + ((x1 - x0) * t), y0 + ((y1 - y0) * t), color);
        }
    }

    /// <summary>Draws a polyline through <paramref name="points"/>.</summary>
    /// <param name="points">Vertices in drawing coordinates.</param>
    /// <param name="color">Line colour.</param>
    public void DrawPolyline(ReadOnlySpan<(double X, double Y)> points, Rgb color)
    {
        for (int i = 0; i + 1 < points.Length; i++)
        {
            DrawLine(points[i].X, points[i].Y, points[i + 1].X, points[i + 1].Y, color);
        }
    }

    /// <summary>Copies the pixels, row 0 at the top, as packed R, G, B bytes.</summary>
    /// <param name="destination">At least <c>Width * Height * 3</c> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyRgbTo(Span<byte> destination)
    {
        if (destination.Length < _pixels.Length * 3)
        {
            throw new ArgumentException($"Destination needs {_pixels.Length * 3} bytes, got {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < _pixels.Length; i++)
        {
            destination[3 * i] = _pixels[i].R;
            destination[(3 * i) + 1] = _pixels[i].G;
            destination[(3 * i) + 2] = _pixels[i].B;
        }
    }

    /// <summary>Adds the canvas's distinct colours to <paramref name="colors"/> until it holds <paramref name="limit"/>.</summary>
    /// <param name="colors">The set to add to.</param>
    /// <param name="limit">Stop once the set is this large.</param>
    public void CollectColors(HashSet<Rgb> colors, int limit)
    {
        ArgumentNullException.ThrowIfNull(colors);
        foreach (var pixel in _pixels)
        {
            if (colors.Count >= limit)
            {
                return;
            }

            colors.Add(pixel);
        }
    }

    private void Set(double x, double y, Rgb color)
    {
        int column = (int)Math.Floor(x);
        int row = Height - 1 - (int)Math.Floor(y);
        if (column >= 0 && column < Width && row >= 0 && row < Height)
        {
            _pixels[(row * Width) + column] = color;
        }
    }

    // Fills row y's pixels whose centres x + 0.5 lie in [left, right].
    private void FillSpan(int y, double left, double right, Rgb color)
    {
        int xStart = Math.Max(0, (int)Math.Ceiling(left - 0.5));
        int xEnd = Math.Min(Width - 1, (int)Math.Floor(right - 0.5));
        int row = Height - 1 - y;
        for (int x = xStart; x <= xEnd; x++)
        {
            _pixels[(row * Width) + x] = color;
        }
    }
}

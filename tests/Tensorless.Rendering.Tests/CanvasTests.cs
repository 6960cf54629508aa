namespace Tensorless.Rendering.Tests;

public class CanvasTests
{
    private static readonly Rgb Red = new(255, 0, 0);

    [Fact]
    public void FillPolygon_AxisAlignedSquare_FillsExactlyItsPixels()
    {
        var canvas = new Canvas(10, 10, Rgb.White);
        canvas.FillPolygon([(2, 2), (2, 5), (6, 5), (6, 2)], Red);
        int filled = 0;
        for (int row = 0; row < 10; row++)
        {
            for (int column = 0; column < 10; column++)
            {
                filled += canvas[column, row] == Red ? 1 : 0;
            }
        }

        Assert.Equal(4 * 3, filled);
        Assert.Equal(Red, canvas.At(2.5, 2.5));
        Assert.Equal(Rgb.White, canvas.At(6.5, 2.5));
        // y is up: drawing row y = 2 is image row 10 - 1 - 2.
        Assert.Equal(Red, canvas[2, 7]);
    }

    [Fact]
    public void FillCircle_AreaIsCloseToPiRSquared()
    {
        var canvas = new Canvas(100, 100, Rgb.White);
        canvas.FillCircle(50, 50, 20, Red);
        int filled = 0;
        for (int row = 0; row < 100; row++)
        {
            for (int column = 0; column < 100; column++)
            {
                filled += canvas[column, row] == Red ? 1 : 0;
            }
        }

        Assert.InRange(filled, Math.PI * 400 * 0.97, Math.PI * 400 * 1.03);
    }

    [Fact]
    public void DrawLine_OffCanvas_IsClipped()
    {
        var canvas = new Canvas(5, 5, Rgb.White);
        canvas.DrawLine(-10, 2.5, 20, 2.5, Red);
        Assert.Equal(Red, canvas.At(0.5, 2.5));
        Assert.Equal(Red, canvas.At(4.5, 2.5));
    }
}

using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Tensorless.Rendering.Tests;

public class EnvRendererTests
{
    private static readonly Rgb Pole = new(202, 152, 101);

    [Theory]
    [InlineData("CartPole-v1", 600, 400)]
    [InlineData("CartPoleSwingUp-v0", 600, 400)]
    [InlineData("Pendulum-v1", 500, 500)]
    [InlineData("Acrobot-v1", 500, 500)]
    [InlineData("MountainCar-v0", 600, 400)]
    [InlineData("MountainCarContinuous-v0", 600, 400)]
    public void Render_ScreenSizeIsGymnasiums(string envId, int width, int height)
    {
        int size = envId.StartsWith("Pendulum", StringComparison.Ordinal) || envId.StartsWith("Mountain", StringComparison.Ordinal) ? 2 : 4;
        using var image = EnvRenderer.Render(envId, new double[size]);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
    }

    [Fact]
    public void CartPole_CartAtExpectedX()
    {
        // x = 1 m: 125 px per metre right of the centre (300), cart 50 px wide around 425, centre line at y = 100.
        var canvas = EnvRenderer.Draw("CartPole-v1", [1.0, 0, 0, 0]);
        Assert.Equal(Rgb.Black, canvas.At(425 - 24, 100 - 10));
        Assert.Equal(Rgb.Black, canvas.At(425 + 24, 100 - 10));
        Assert.Equal(Rgb.White, canvas.At(425 - 26, 100 - 10));
        Assert.Equal(Rgb.White, canvas.At(425 + 26, 100 - 10));
        Assert.Equal(Rgb.White, canvas.At(300, 100 - 10));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    [InlineData(-0.5)]
    [InlineData(1.3)]
    public void CartPole_PoleAtExpectedAngle(double theta)
    {
        // The pole leaves the axle (300, 107.5) at theta from vertical, positive theta leaning right.
        var canvas = EnvRenderer.Draw("CartPole-v1", [0, 0, theta, 0]);
        foreach (double r in new[] { 30.0, 60.0, 110.0 })
        {
            double x = 300 + (r * Math.Sin(theta)), y = 107.5 + (r * Math.Cos(theta));
            Assert.Equal(Pole, canvas.At(x, y));
        }

        // 20 px to the side of the pole's axis, 80 px up it, is background.
        double sx = 300 + (80 * Math.Sin(theta)) + (20 * Math.Cos(theta)), sy = 107.5 + (80 * Math.Cos(theta)) - (20 * Math.Sin(theta));
        Assert.Equal(Rgb.White, canvas.At(sx, sy));
    }

    [Fact]
    public void Pendulum_ThetaZeroPointsUp_PiPointsDown()
    {
        var up = EnvRenderer.Draw("Pendulum-v1", [0.0, 0]);
        Assert.Equal(new Rgb(204, 77, 77), up.At(250, 250 + 80));
        Assert.Equal(Rgb.White, up.At(250, 250 - 80));
        var down = EnvRenderer.Draw("Pendulum-v1", [Math.PI, 0]);
        Assert.Equal(new Rgb(204, 77, 77), down.At(250, 250 - 80));
    }

    [Fact]
    public void Acrobot_ZeroState_HangsStraightDown()
    {
        double scale = 500 / 4.4;
        var canvas = EnvRenderer.Draw("Acrobot-v1", [0.0, 0, 0, 0]);
        Assert.Equal(new Rgb(0, 204, 204), canvas.At(250, 250 - (1.5 * scale)));
        Assert.Equal(new Rgb(204, 204, 0), canvas.At(250, 250 - scale));
        Assert.Equal(Rgb.White, canvas.At(250, 250 + (0.5 * scale)));
    }

    [Fact]
    public void MountainCar_CarSitsOnTheCurve()
    {
        // At the valley bottom (x = -pi/6) the car is level; its body lies 10 px above the curve's height.
        double position = -Math.PI / 6, scale = 600 / 1.8;
        var canvas = EnvRenderer.Draw("MountainCar-v0", [position, 0]);
        double x = (position + 1.2) * scale, y = (((Math.Sin(3 * position) * 0.45) + 0.55) * scale) + 10;
        Assert.Equal(Rgb.Black, canvas.At(x, y + 15));
        Assert.Equal(Rgb.White, canvas.At(x, y + 25));
    }

    [Fact]
    public void UnknownEnv_Throws() => Assert.Throws<ArgumentException>(() => EnvRenderer.Drawing("Nope-v0"));

    [Fact]
    public void Render_ImageRowZeroIsTheTop()
    {
        using Image<Rgb24> image = EnvRenderer.Render("CartPole-v1", [0.0, 0, 0, 0]);
        // The track is drawn at y = 100 from the bottom: image row 299.
        Assert.Equal(new Rgb24(0, 0, 0), image[0, 299]);
        Assert.Equal(new Rgb24(255, 255, 255), image[0, 100]);
    }
}

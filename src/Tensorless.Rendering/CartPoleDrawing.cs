namespace Tensorless.Rendering;

/// <summary>
/// Gymnasium's <c>CartPoleEnv.render</c> (classic_control/cartpole.py): a 600x400 screen, 125 px per metre
/// (world width 2 x 2.4 m), a black 50x30 cart on a black track at y = 100, a tan 10 px pole of length
/// 2 x 0.5 m rotated by -theta about the axle (a lilac disc 7.5 px above the cart's centre).
/// </summary>
internal static class CartPoleDrawing
{
    /// <summary>Pole colour (202, 152, 101).</summary>
    public static readonly Rgb PoleColor = new(202, 152, 101);

    /// <summary>Axle colour (129, 132, 203).</summary>
    public static readonly Rgb AxleColor = new(129, 132, 203);

    /// <summary>Screen size.</summary>
    public const int Width = 600, Height = 400;

    /// <summary>Cart's centre line, pixels above the bottom.</summary>
    public const double CartY = 100;

    /// <summary>Pixels per metre: screen width over the 4.8 m between the x thresholds.</summary>
    public const double Scale = Width / (2 * 2.4);

    /// <summary>Axle above the cart's centre.</summary>
    public const double AxleOffset = 30 / 4.0;

    /// <summary>CartPole-v0/v1: pole of half-length 0.5 m, drawn 1 m long (gymnasium: <c>scale * (2 * length)</c>).</summary>
    public static EnvDrawing CartPole { get; } = new(Width, Height, 50, (canvas, s) => Draw(canvas, s[0], s[2], Scale * 2 * 0.5));

    /// <summary>CartPoleSwingUp-v0 drawn as CartPole (same track and cart); the pole is the package's 0.6 m pole,
    /// theta 0 upright and pi hanging down, as in CartPole.</summary>
    public static EnvDrawing SwingUp { get; } = new(Width, Height, 50, (canvas, s) => Draw(canvas, s[0], s[2], Scale * 0.6));

    /// <summary>Draws the cart at <paramref name="x"/> metres with the pole at <paramref name="theta"/> radians.</summary>
    public static void Draw(Canvas canvas, double x, double theta, double poleLength)
    {
        const double poleWidth = 10, cartWidth = 50, cartHeight = 30;
        double cartX = (x * Scale) + (Width / 2.0);
        canvas.FillPolygon(Geometry.Box(-cartWidth / 2, cartWidth / 2, cartHeight / 2, -cartHeight / 2, 0, cartX, CartY), Rgb.Black);
        canvas.FillPolygon(
            Geometry.Box(-poleWidth / 2, poleWidth / 2, poleLength - (poleWidth / 2), -poleWidth / 2, -theta, cartX, CartY + AxleOffset),
            PoleColor);
        canvas.FillCircle(cartX, CartY + AxleOffset, poleWidth / 2, AxleColor);
        canvas.DrawLine(0, CartY, Width, CartY, Rgb.Black);
    }
}

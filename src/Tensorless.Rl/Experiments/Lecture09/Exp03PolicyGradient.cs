using System.Text.Json.Nodes;
using Tensorless.Autodiff;
using static Tensorless.Rl.Experiments.Lecture09.LectureExperiments;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>
/// exp03_policy_gradient_review.py: a two-action policy with logits [theta, 0] at theta = 0.3, and the gradient of
/// log pi(a = 0) by three routes. Closed form: d/dtheta log sigmoid(theta) = 1 - sigmoid(theta). Autograd: our tape
/// (LogSoftmax, Gather, Backward). Finite difference: central, step 1e-3, evaluated in float32 as PyTorch's default
/// dtype does (log-softmax as max + log(sum exp)); the float32 rounding of log pi over a 2e-3 span is what moves
/// the lecture's 0.425547 off the true 0.425557.
/// </summary>
internal static class Exp03PolicyGradient
{
    /// <summary>The lecture's theta.</summary>
    public const double Theta = 0.3;

    /// <summary>The finite-difference step (central).</summary>
    public const double Step = 1e-3;

    public static ExperimentReport Run(ExperimentSettings settings)
    {
        double closedForm = 1 - (1 / (1 + Math.Exp(-Theta)));
        double autograd = Autograd(Theta);
        float eps = (float)Step, theta = (float)Theta;
        double finiteDifference = (float)((LogProbFloat32(theta + eps) - LogProbFloat32(theta - eps)) / (2 * eps));
        var json = new JsonObject
        {
            ["theta"] = Theta,
            ["finite_difference_step"] = Step,
            ["autograd"] = autograd,
            ["finite_difference"] = finiteDifference,
            ["closed_form"] = closedForm,
            ["abs_error_autograd_vs_fd"] = Math.Abs(autograd - finiteDifference),
        };
        return new ExperimentReport("exp03", "Policy gradient review",
        [
            F($"theta = {Theta}, logits [theta, 0], gradient of log pi(a=0)"),
            F($"Autograd:          {autograd:F6}   (lecture: 0.425557)"),
            F($"Finite difference: {finiteDifference:F6}   (lecture: 0.425547; central, step 1e-3, float32)"),
            F($"Closed form:       {closedForm:F6}   (lecture: 0.425557)"),
            F($"|autograd - FD| = {Math.Abs(autograd - finiteDifference):E1}   (lecture: 1.0E-005)"),
        ], json, null);
    }

    /// <summary>d log pi(0) / d theta through the tape.</summary>
    internal static double Autograd(double theta)
    {
        var logits = new Parameter("theta_logits", 1, 2);
        logits.Data[0] = theta;
        logits.Data[1] = 0;
        var tape = new Tape();
        var logProbs = tape.LogSoftmax(logits.Value);
        var logProb = tape.Gather(logProbs, tape.Constant([0.0], 1, 1));
        logits.ZeroGrad();
        tape.Backward(logProb);
        return logits.Grad[0];
    }

    /// <summary>log pi(0) for logits [theta, 0] with every operation rounded to float32.</summary>
    internal static float LogProbFloat32(float theta)
    {
        float max = Math.Max(theta, 0f);
        float sum = (float)Math.Exp((float)(theta - max)) + (float)Math.Exp((float)(0f - max));
        float logSumExp = max + (float)Math.Log(sum);
        return theta - logSumExp;
    }
}

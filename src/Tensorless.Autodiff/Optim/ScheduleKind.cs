namespace Tensorless.Autodiff.Optim;

/// <summary>The shape of a <see cref="LearningRateSchedule"/>.</summary>
public enum ScheduleKind
{
    /// <summary>The initial value throughout.</summary>
    Constant,

    /// <summary>Straight line from the initial to the final value (SB3's <c>get_linear_fn</c>, CleanRL's <c>anneal_lr</c>).</summary>
    Linear,

    /// <summary>Half a cosine from the initial to the final value (Loshchilov and Hutter's SGDR without restarts).</summary>
    Cosine,
}

"""The names of the recorded quantities (`Optimizer.quantities`, `Trajectory.quantities`).

They are the keys of `trace --json`, the side-car and the CSV columns, so they follow the book's
symbols; scenes and narration import these constants instead of spelling the strings. The book
writes v both for Momentum's velocity and for Adam's second moment: one optimizer never records
both, so the two constants share the key "v".
"""

VELOCITY = "v"  # Momentum, Nesterov (and RMSProp+Momentum): the step W moves by
BUFFER = "buf"  # PyTorch's momentum buffer b (v = -eta * b)
SQUARES = "h"  # AdaGrad's sum, RMSProp's average, Adadelta's E[g^2]
STEP_SQUARES = "u"  # Adadelta's E[dx^2]
STEP_SIZE = "step_size"  # per-axis factor on the gradient (eta / (sqrt(h) + eps), ...)
FIRST_MOMENT = "m"
SECOND_MOMENT = "v"
FIRST_MOMENT_HAT = "m_hat"  # bias-corrected, what the step uses
SECOND_MOMENT_HAT = "v_hat"
SECOND_MOMENT_MAX = "v_max"  # AMSGrad's running maximum

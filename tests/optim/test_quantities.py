"""Every recorded quantity is named by a constant of optim/quantities.py, which scenes import."""

import numpy as np
import pytest

from optiroll.optim import quantities
from optiroll.optim.registry import OPTIMIZERS, make_optimizer

NAMES = {v for k, v in vars(quantities).items() if k.isupper()}


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.name)
@pytest.mark.parametrize("rules", ["book", "pytorch"])
def test_every_quantity_key_is_a_named_constant(optimizer, rules):
    overrides = {"rules": rules} if "rules" in optimizer.parameter_docs() else {}
    opt = make_optimizer(optimizer.name, overrides)
    params = np.array([1.0, -2.0])
    _, state = opt.update(np.array([0.5, 0.25]), opt.init(params), params)
    assert set(opt.quantities(state)) <= NAMES

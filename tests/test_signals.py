"""A stopping signal stops the work even when the exception its handler raised is swallowed."""

from __future__ import annotations

import signal

import pytest

from optiroll.signals import Interrupted, raise_if_stopped, stop_on_signals


def swallowed(signum: int) -> None:
    """Deliver `signum` to this process inside code that swallows every exception, as a
    library's `except BaseException: pass` or a finaliser would."""
    try:
        signal.raise_signal(signum)  # its handler runs before this returns
    except BaseException:  # noqa: BLE001 — the point: the Interrupted is lost here
        pass


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_swallowed_stop_is_raised_again_where_the_work_asks(signum):
    with stop_on_signals():
        raise_if_stopped()  # nothing yet
        swallowed(signum)
        with pytest.raises(Interrupted) as stop:
            raise_if_stopped()
        assert stop.value.signum == signum
        with stop_on_signals():  # an inner block (a render's staging) sees it too
            with pytest.raises(Interrupted):
                raise_if_stopped()
        with pytest.raises(Interrupted):  # and it stays until the outermost block ends
            raise_if_stopped()


def test_the_next_command_in_the_same_process_starts_clean():
    with stop_on_signals():
        swallowed(signal.SIGTERM)
    with stop_on_signals():
        raise_if_stopped()
    raise_if_stopped()


def test_a_second_stop_while_the_first_unwinds_does_not_cut_its_cleanup_short():
    cleaned = []
    with stop_on_signals():
        with pytest.raises(Interrupted) as stop:
            try:
                signal.raise_signal(signal.SIGTERM)
            finally:
                signal.raise_signal(signal.SIGHUP)  # arrives while the first one unwinds
                cleaned.append("temporaries removed")
        assert stop.value.signum == signal.SIGTERM
        with pytest.raises(Interrupted):  # still remembered
            raise_if_stopped()
    assert cleaned == ["temporaries removed"]

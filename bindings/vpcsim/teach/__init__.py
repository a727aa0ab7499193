"""Exercises for the notebooks: a student answers, vpcsim says right or wrong, and why.

Every exercise computes its answer from vpcsim itself (an ``Ipv4Prefix``, a switch's MAC table, a
NAT's translations, an ``explain`` answer), never from a stored string, so a notebook whose network
changes keeps checking against what the simulator actually did::

    from vpcsim import teach
    ex = teach.exercise("01.which-subnet")        # 10.0.0.0/16 cut into /20s: which holds 10.0.17.5?
    print(ex.question)
    ex.check("10.0.16.0/20")                      # Right: 10.0.17.5 is in 10.0.16.0/20 (10.0.16.0 - 10.0.31.255) ...
    ex.check("10.0.32.0/20")                      # Not quite: 10.0.32.0/20 runs from 10.0.32.0 to 10.0.47.255 ...

Exercises about a simulation take the objects they ask about as keywords
(``teach.exercise("03.gateway-mac", net=net)``). ``check`` returns a :class:`Verdict` (true when
right; shown as its message in a notebook); ``solution()`` gives the computed answer and the
reason. ``teach.exercises()`` lists the keys.
"""

from __future__ import annotations

from vpcsim.teach.exercise import Exercise, Verdict, exercise, exercises

# Importing the notebooks' modules registers their exercises.
from vpcsim.teach import addressing, lan, routing, nat, cloud  # noqa: F401,E402

__all__ = ["Exercise", "Verdict", "exercise", "exercises"]

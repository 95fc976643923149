"""Help texts that name the movement tests without importing their code (start-up time)."""

from __future__ import annotations

from valgus.assessment.movements import names

MOVEMENT_HELP = (
    "Movement filmed: " + ", ".join(names()) + ", or auto (recognise it, or say it cannot)."
)

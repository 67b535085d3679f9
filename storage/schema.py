"""Every feature's tables on one metadata: what Alembic and the schema tests compare against.

Importing a feature's models registers its tables on `storage.base.Base`; this is the one
module that knows every feature's storage.
"""

from __future__ import annotations

import storage.audit.models
import storage.checkins.models
import storage.cpted.models
import storage.crimedata.models
import storage.delivery.models
import storage.due.models
import storage.elections.models
import storage.flows.models
import storage.meetings.models
import storage.members.models
import storage.news.models
import storage.property.models
import storage.surveys.models
import storage.talks.models
import storage.tips.models
import storage.vacation.models
import storage.victims.models
from storage.base import Base

FEATURES = (
    storage.audit.models,
    storage.checkins.models,
    storage.cpted.models,
    storage.crimedata.models,
    storage.delivery.models,
    storage.due.models,
    storage.elections.models,
    storage.flows.models,
    storage.meetings.models,
    storage.members.models,
    storage.news.models,
    storage.surveys.models,
    storage.property.models,
    storage.talks.models,
    storage.tips.models,
    storage.vacation.models,
    storage.victims.models,
)
metadata = Base.metadata

__all__ = ["FEATURES", "Base", "metadata"]

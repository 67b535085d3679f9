"""The services container: what the faces and the scheduler are handed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from core.access import AccessService
from core.alerts.service import AlertService
from core.audit import AuditService
from core.checkins import Checkins
from core.clock import Clock, SystemClock
from core.cpted import Fixes
from core.crimedata.hotspot_service import Hotspots
from core.crimedata.service import CrimeData
from core.delivery.outbox import SMS, TELEGRAM, Outbox
from core.delivery.pacing import telegram_chat_interval
from core.delivery.reports import ReportService
from core.delivery.sms_inbound import SmsKeywords
from core.delivery.sms_text import segments
from core.delivery.worker import DeliveryWorker
from core.due.runner import DueRunner
from core.elections.service import ElectionService
from core.feed import PublicFeed
from core.flows import FlowService
from core.links import FileLinks
from core.meetings.service import MeetingService
from core.members import (
    GroupService,
    MemberService,
    OfficerService,
    PhoneVerifier,
    PreferenceService,
)
from core.news.service import NewsService
from core.partners import PartnerGroups
from core.property import Property
from core.settings import Settings
from core.shared import Shared
from core.surveys import Surveys
from core.talks import Talks
from core.tips import Tips
from core.vacation.service import VacationService
from core.victims import Victims
from notifiers.base import Notifier
from storage.delivery.records import DeliveryJob
from storage.engine import Database
from storage.migrate import upgrade


async def migrate(database_url: str) -> None:
    """Bring the database up to the newest schema."""
    await upgrade(database_url)


def sms_cost(job: DeliveryJob) -> float:
    """SMS is paced in segments, not messages."""
    return float(segments(job.body_text))


@dataclass
class Services:
    """Every domain service, wired to one database and one clock."""

    settings: Settings
    db: Database
    clock: Clock
    audit: AuditService
    access: AccessService
    outbox: Outbox
    members: MemberService
    phones: PhoneVerifier
    groups: GroupService
    officers: OfficerService
    flows: FlowService
    preferences: PreferenceService
    alerts: AlertService
    reports: ReportService
    delivery: DeliveryWorker
    due: DueRunner
    elections: ElectionService
    meetings: MeetingService
    vacation: VacationService
    news: NewsService
    tips: Tips
    fixes: Fixes
    partners: PartnerGroups
    surveys: Surveys
    property: Property
    talks: Talks
    victims: Victims
    checkins: Checkins
    crimedata: CrimeData
    hotspots: Hotspots
    sms_keywords: SmsKeywords
    links: FileLinks
    feed: PublicFeed
    health: dict[str, object] = field(default_factory=dict)

    @classmethod
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        """Migrate the configured database, connect, and wire the services."""
        await migrate(settings.database_url)
        return cls.build(settings, Database(settings.database_url), clock=clock)

    async def close(self) -> None:
        """Close the database connections."""
        await self.db.dispose()

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        *,
        clock: Clock | None = None,
        notifiers: Mapping[str, Notifier] | None = None,
    ) -> Services:
        """Wire the services together."""
        clock = clock or SystemClock()
        audit = AuditService(db, clock)
        access = AccessService(db, audit)
        outbox = Outbox(
            clock,
            zone=settings.zone,
            service_name=settings.service_name,
            sms_enabled=settings.sms_enabled,
        )
        officers = OfficerService(db, clock, audit, access)
        shared = Shared(db, clock, settings, audit, access, outbox, FileLinks(settings, clock))
        groups = GroupService(shared, officers)
        due = DueRunner(db, clock, timedelta(hours=settings.missed_after_hours))
        # Built in this order on purpose: it is the order of the registries' steps. /forget
        # erases tips, then vacation watch, then meetings' chat answers, then environment
        # reports, then surveys, then property registers, then talk requests, then victim
        # follow-ups, then daily check-ins (elections register later); each tick publishes
        # news, then sends the patrol list, then the weekly meeting list, then the environment
        # reports' digest and weekly summary, then the surveys' and the talk requests'
        # digests, then the weekly scam warnings of daily check-ins, then the weekly crime
        # figures.
        tips = Tips(shared, officers)
        news = NewsService(shared, due)
        vacation = VacationService(shared, officers, due)
        meetings = MeetingService(shared, groups, officers, due)
        fixes = Fixes(shared, officers, due)
        partners = PartnerGroups(shared, groups)
        surveys = Surveys(shared, officers, due)
        property_ = Property(shared, tips)
        talks = Talks(shared, officers, due, meetings)
        victims = Victims(shared, officers, due)
        checkins = Checkins(shared, officers, due)
        crimedata = CrimeData(shared, groups, due, tips=news.released_in)
        hotspots = Hotspots(shared, officers, due)
        return cls(
            settings=settings,
            db=db,
            clock=clock,
            audit=audit,
            access=access,
            outbox=outbox,
            members=MemberService(db, clock, audit, shared.erasure),
            phones=PhoneVerifier(shared),
            groups=groups,
            officers=officers,
            flows=FlowService(db, clock),
            preferences=PreferenceService(db, clock, settings.sms_enabled),
            alerts=AlertService(shared),
            reports=ReportService(db, audit),
            delivery=DeliveryWorker(
                db,
                clock,
                notifiers or {},
                rates={
                    TELEGRAM: settings.telegram_max_per_second,
                    SMS: settings.sms_segments_per_second,
                },
                costs={SMS: sms_cost},
                per_address={TELEGRAM: telegram_chat_interval},
                concurrency=settings.delivery_concurrency,
                lease=timedelta(seconds=settings.delivery_lease_seconds),
                sms_enabled=settings.sms_enabled,
            ),
            due=due,
            elections=ElectionService(shared, groups, officers, due),
            meetings=meetings,
            vacation=vacation,
            news=news,
            tips=tips,
            fixes=fixes,
            partners=partners,
            surveys=surveys,
            property=property_,
            talks=talks,
            victims=victims,
            checkins=checkins,
            crimedata=crimedata,
            hotspots=hotspots,
            sms_keywords=shared.sms_keywords,
            links=shared.links,
            feed=PublicFeed(shared),
        )

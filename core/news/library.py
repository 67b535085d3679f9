"""The starter content library: short, factual safety items on the department's topics.

Seeded paused, with a suggested schedule, so that the Crime Prevention Unit reads them before
anything goes out (`/news resume ID`). Each has a slug so seeding never adds one twice.
"""

from __future__ import annotations

TOPICS: dict[str, str] = {
    "vacations": "Vacations",
    "home_security": "Home security",
    "personal_safety": "Personal safety",
    "crime_awareness": "Crime awareness",
    "frauds": "Frauds, cons and scams",
}

# (slug, topic, schedule, title, body)
STARTER_ITEMS: list[tuple[str, str, str, str, str]] = [
    (
        "home-lock-up",
        "home_security",
        "monthly:2",
        "Lock up, every time",
        "Many burglars simply walk in through an unlocked door or window. Lock doors and "
        "windows even when you are home or stepping out for a few minutes, including the garage "
        "and the door from the garage into the house. Deadbolts with a one-inch throw and long "
        "strike-plate screws make doors much harder to force.",
    ),
    (
        "home-lighting",
        "home_security",
        "monthly:9",
        "Light up the outside of your home",
        "Burglars prefer darkness and cover. Light your entrances, driveway and back yard; "
        "motion-sensor lights are inexpensive and effective. Trim shrubs and trees near doors "
        "and windows so they cannot hide anyone.",
    ),
    (
        "home-valuables",
        "home_security",
        "monthly:16",
        "Make a list of your valuables",
        "Write down serial numbers and take photos of valuables such as electronics, bikes, "
        "tools and jewelry, and keep the list somewhere safe outside your home too. It helps "
        "police identify and return stolen property, and it helps with insurance claims.",
    ),
    (
        "home-deliveries",
        "home_security",
        "monthly:23",
        "Don't leave packages on the porch",
        "Package theft peaks when deliveries do. Track your deliveries, ask a neighbor to pick "
        "them up, use a pickup locker or require a signature for valuable items. A visible "
        "doorbell camera also discourages thieves.",
    ),
    (
        "safety-aware",
        "personal_safety",
        "monthly:1",
        "Stay aware when you are out",
        "When walking, keep your head up and your phone in your pocket, especially at night. "
        "Stay in well-lit, busy areas, walk with someone when you can, and trust your instincts: "
        "if something feels wrong, leave. If you are in danger, call 911.",
    ),
    (
        "safety-car",
        "personal_safety",
        "monthly:12",
        "Your car is not a safe",
        "Most thefts from vehicles are from unlocked cars. Lock your car, close the windows, "
        "and take keys, phones, bags and packages with you or keep them out of sight. Never "
        "leave a car running unattended, even for a minute.",
    ),
    (
        "crime-report",
        "crime_awareness",
        "monthly:15",
        "See something, say something",
        "Report suspicious activity with as much detail as you can safely notice: who, what, "
        "where and when, a description of people and vehicles, plates, and direction of travel. "
        "Call 911 for a crime in progress; for anything else use the non-emergency line or "
        "this bot. Never confront anyone yourself.",
    ),
    (
        "crime-neighbors",
        "crime_awareness",
        "monthly:26",
        "Know your neighbors",
        "Neighbors who know each other notice what is out of place: a stranger trying door "
        "handles, a moving truck at an empty house, a car circling the block. Share contact "
        "details with the people next door and tell them when you will be away.",
    ),
    (
        "vacation-summer",
        "vacations",
        "yearly:06-20",
        "Going away this summer?",
        "Before you leave: hold your mail and newspaper, put lights and a radio on timers, lock "
        "every door and window, and don't post travel plans or photos online until you are "
        "back. Ask us for vacation house checks with /vacation.",
    ),
    (
        "vacation-thanksgiving",
        "vacations",
        "yearly:11-15",
        "Traveling for Thanksgiving?",
        "An empty house with a pile of mail is an invitation. Hold deliveries, ask a neighbor to "
        "park in your driveway, set light timers, and keep your trip off social media until you "
        "return. Officers can check your home while you are away: send /vacation.",
    ),
    (
        "vacation-holidays",
        "vacations",
        "yearly:12-15",
        "Holiday travel checklist",
        "Lock up and take spare keys inside, unplug garage door openers or lock the manual "
        "release, set timers for lights, hold the mail, and keep gifts out of sight of windows. "
        "Ask for vacation house checks with /vacation.",
    ),
    (
        "fraud-gift-cards",
        "frauds",
        "monthly:5",
        "Gift cards are for gifts, not payments",
        "No government agency, utility, bank or police department asks to be paid in gift "
        "cards, wire transfers or cryptocurrency. If a caller pressures you to pay right now, "
        "hang up and call the organization back at a number you look up yourself.",
    ),
    (
        "fraud-grandparent",
        "frauds",
        "monthly:19",
        "The grandparent scam",
        "A caller says a grandchild is in jail or hurt, needs money fast, and begs you to keep "
        "it secret. Hang up, then call your grandchild or another relative directly. Never send "
        "money or hand cash to a courier for someone you cannot verify.",
    ),
    (
        "fraud-contractors",
        "frauds",
        "monthly:22",
        "Door-to-door repair offers",
        "Be wary of workers who show up uninvited with a cheap deal on roofing, paving or tree "
        "work using leftover materials. Get written estimates, check licenses and references, "
        "and never pay the full price up front.",
    ),
    (
        "fraud-links",
        "frauds",
        "monthly:28",
        "Think before you click",
        "Banks, delivery companies and government agencies will not ask for your password or "
        "account numbers by text or email. Don't click links in unexpected messages; open the "
        "company's app or website yourself instead.",
    ),
]

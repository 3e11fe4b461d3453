"""The web UI's words in Swedish and English, and which language a request gets.

The pages' JS reads the same table (``window.ccctl.t``) so live updates speak the
page's language too.
"""

from __future__ import annotations

from aiohttp import web

LANG_COOKIE = "ccctl_lang"
LANGUAGES = ("sv", "en")

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Kontaktcenter", "login": "Logga in", "logout": "Logga ut",
        "user": "Användarnamn", "password": "Lösenord",
        "bad_login": "Fel användarnamn eller lösenord.",
        "too_many": "För många misslyckade försök. Försök igen om {s} sekunder.",
        "forbidden": "Den här sidan kräver rollen {role}. Du är inloggad som {user} ({have}).",
        "wallboard": "Väggtavla", "supervisor": "Arbetsledare", "agent": "Handläggare",
        "queue": "Kö", "waiting": "Väntar", "longest": "Längsta väntan",
        "sl": "Servicenivå", "target": "mål", "available": "Lediga", "busy": "Upptagna",
        "paused": "Pausade", "position": "Plats", "waited": "Väntat",
        "language": "Språk", "ident": "Identifiering", "kind": "Typ",
        "voice": "samtal", "callback": "återuppringning", "actions": "Åtgärder",
        "move_to": "Flytta till", "move": "Flytta", "prioritise": "Prioritera",
        "pick_for": "Ge till handläggare", "pick": "Ge", "agents": "Handläggare",
        "state": "Status", "reason": "Orsak", "force_pause": "Pausa",
        "force_logout": "Logga ut", "ready": "Redo", "pause": "Pausa",
        "agent_login": "Logga in i köerna", "agent_logout": "Logga ut ur köerna",
        "my_queues": "Mina köer", "current_call": "Aktuellt samtal",
        "no_call": "Inget samtal just nu.", "caller": "Uppringare",
        "menu_path": "Menyval", "hold": "Parkera i min kö", "retrieve": "Hämta tillbaka",
        "transfer": "Koppla", "search": "Sök mottagare", "hangup": "Lägg på",
        "personal": "Min personliga kö", "none": "Inga", "live_lost":
        "Förbindelsen bröts; försöker igen …", "softphone": "Mjuktelefon",
        "lunch": "lunch", "done": "Klart.", "skip": "Hoppa till innehållet",
        "no_sl": "inga besvarade",
        "state_logged_out": "utloggad", "state_available": "ledig", "state_reserved": "ringer",
        "state_busy": "i samtal", "state_consulted": "konsulteras", "state_wrap_up": "efterarbete",
        "state_paused": "pausad", "state_waiting": "väntar",
        "state_sticky": "väntar på handläggare",
        "state_personal": "parkerad", "state_offered": "erbjuden", "state_in_service": "besvarad",
        "state_scheduled": "bokad",
    },
    "en": {
        "title": "Contact center", "login": "Log in", "logout": "Log out",
        "user": "User name", "password": "Password",
        "bad_login": "Wrong user name or password.",
        "too_many": "Too many failed attempts. Try again in {s} seconds.",
        "forbidden": "This page needs the role {role}. You are logged in as {user} ({have}).",
        "wallboard": "Wallboard", "supervisor": "Supervisor", "agent": "Agent",
        "queue": "Queue", "waiting": "Waiting", "longest": "Longest wait",
        "sl": "Service level", "target": "target", "available": "Available",
        "busy": "Busy", "paused": "Paused", "position": "Position", "waited": "Waited",
        "language": "Language", "ident": "Identification", "kind": "Kind",
        "voice": "call", "callback": "callback", "actions": "Actions",
        "move_to": "Move to", "move": "Move", "prioritise": "Prioritise",
        "pick_for": "Give to agent", "pick": "Give", "agents": "Agents",
        "state": "State", "reason": "Reason", "force_pause": "Pause",
        "force_logout": "Log out", "ready": "Ready", "pause": "Pause",
        "agent_login": "Log in to the queues", "agent_logout": "Log out of the queues",
        "my_queues": "My queues", "current_call": "Current call",
        "no_call": "No call right now.", "caller": "Caller",
        "menu_path": "Menu path", "hold": "Hold in my queue", "retrieve": "Retrieve",
        "transfer": "Transfer", "search": "Search for a target", "hangup": "Hang up",
        "personal": "My personal queue", "none": "None", "live_lost":
        "Connection lost; retrying …", "softphone": "Softphone",
        "lunch": "lunch", "done": "Done.", "skip": "Skip to content",
        "no_sl": "none answered",
        "state_logged_out": "logged out", "state_available": "available",
        "state_reserved": "ringing", "state_busy": "on a call", "state_consulted": "consulted",
        "state_wrap_up": "wrap-up", "state_paused": "paused", "state_waiting": "waiting",
        "state_sticky": "waiting for an agent", "state_personal": "on hold",
        "state_offered": "offered", "state_in_service": "answered", "state_scheduled": "booked",
    },
}


def language(request: web.Request) -> str:
    """``?lang=`` first, then the language cookie, then Accept-Language; Swedish else."""
    for wanted in (request.query.get("lang"), request.cookies.get(LANG_COOKIE)):
        if wanted in LANGUAGES:
            return wanted
    accept = request.headers.get("Accept-Language", "").lower()
    return "en" if accept.startswith("en") else "sv"

"""Standard prompts every contact center needs, with default texts in Swedish and English.

Two sets:

- :func:`standard_prompts` — ccctl's own prompts (ids below), built into
  ``<prompts>/<lang>/<id>.wav`` beside the organisation's. Queue position and
  expected-wait phrases come in pieces that the daemon strings together with
  numbers: "Du är nummer" · 3 · "i kön"; "Beräknad väntetid är" · "mer än" ·
  10 · "minuter"; "Det finns" · 4 · "handläggare som svarar". A prompt in the
  YAML with the same id overrides the default text (per language) or gives a
  recording for it.
- :func:`asterisk_sounds` — the files Asterisk's own applications look up in
  ``sounds/<lang>/`` (``SayNumber``/``SayDigits``, app_queue announcements,
  voicemail basics). Asterisk ships none for Swedish; the names follow
  ``main/say.c`` and ``apps/app_queue.c``. With channel language ``sv``,
  Asterisk reads numbers with its default (English-order) rules, which suit
  Swedish: 42 → ``digits/40`` ``digits/2`` ("fyrtio två"), 300 →
  ``digits/3`` ``digits/hundred``. ``digits/1N`` is for the ``se`` rules'
  neuter "ett".
"""

from __future__ import annotations

from ccctl.prompts.models import Prompt, PromptKind

_NUMBERS_SV = (
    "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
    "elva", "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton",
    "tjugo",
)
_TENS_SV = ("trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio")
_NUMBERS_EN = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)
_TENS_EN = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words() -> dict[str, dict[str, str]]:
    """``{name: {lang: word}}`` for 0–20, the tens, hundred and thousand."""
    words: dict[str, dict[str, str]] = {}
    for n in range(21):
        words[str(n)] = {"sv": _NUMBERS_SV[n], "en": _NUMBERS_EN[n]}
    for i, n in enumerate(range(30, 100, 10)):
        words[str(n)] = {"sv": _TENS_SV[i], "en": _TENS_EN[i]}
    words["hundred"] = {"sv": "hundra", "en": "hundred"}
    words["thousand"] = {"sv": "tusen", "en": "thousand"}
    return words


# id → (kind, Swedish, English)
_PHRASES: dict[str, tuple[PromptKind, str, str]] = {
    "queue-you-are-number": (PromptKind.QUEUE, "Du är nummer", "You are number"),
    "queue-in-queue": (PromptKind.QUEUE, "i kön.", "in the queue."),
    "queue-you-are-next": (PromptKind.QUEUE, "Du är först i kön.",
                           "You are first in the queue."),
    "queue-expected-wait": (PromptKind.QUEUE, "Beräknad väntetid är",
                            "The expected waiting time is"),
    "queue-more-than": (PromptKind.QUEUE, "mer än", "more than"),
    "queue-less-than": (PromptKind.QUEUE, "mindre än", "less than"),
    "queue-minute": (PromptKind.QUEUE, "minut.", "minute."),
    # "ett minut" is wrong Swedish: one minute has its own phrase.
    "queue-one-minute": (PromptKind.QUEUE, "en minut.", "one minute."),
    "queue-minutes": (PromptKind.QUEUE, "minuter.", "minutes."),
    "queue-agents-pre": (PromptKind.QUEUE, "Det finns", "There are"),
    "queue-agents-post": (PromptKind.QUEUE, "handläggare som svarar.", "agents answering."),
    "queue-one-agent": (PromptKind.QUEUE, "Det finns en handläggare som svarar.",
                        "There is one agent answering."),
    "queue-no-agents": (PromptKind.QUEUE, "Just nu finns ingen handläggare som svarar.",
                        "No agent is answering right now."),
    "queue-thank-you": (PromptKind.QUEUE, "Tack för att du väntar.",
                        "Thank you for waiting."),
    "queue-hold": (PromptKind.QUEUE,
                   "Alla våra handläggare är upptagna. Vänta kvar så kopplas du till nästa "
                   "lediga handläggare.",
                   "All our agents are busy. Please hold and you will be connected to the "
                   "next available agent."),
    # Callbacks offered in the queue (the key is the queue's callback.key, "1" by default).
    "callback-offer": (PromptKind.QUEUE,
                       "Om du vill bli uppringd när det är din tur, tryck 1. Du behåller din "
                       "plats i kön.",
                       "To be called back when it is your turn, press 1. You keep your "
                       "place in the queue."),
    "callback-confirm": (PromptKind.QUEUE, "Vi ringer dig på numret",
                         "We will call you on the number"),
    "callback-confirm-keys": (PromptKind.QUEUE,
                              "Tryck 1 om det stämmer, eller 2 för att ange ett annat nummer.",
                              "Press 1 if that is right, or 2 to enter another number."),
    "callback-enter-number": (PromptKind.QUEUE,
                              "Slå ditt telefonnummer med riktnummer och avsluta med fyrkant.",
                              "Enter your telephone number with the area code, then press "
                              "hash."),
    "callback-invalid": (PromptKind.QUEUE, "Det numret kan vi inte ringa.",
                         "We cannot call that number."),
    "callback-booked": (PromptKind.QUEUE,
                        "Tack. Vi ringer dig när det är din tur. Du kan lägga på nu.",
                        "Thank you. We will call you when it is your turn. You can hang up "
                        "now."),
    "callback-greeting": (PromptKind.QUEUE,
                          "Hej, du blir nu uppringd som du bad om. Vi kopplar dig till en "
                          "handläggare.",
                          "Hello, this is the call back you asked for. We are connecting you "
                          "to an agent."),
    "menu-invalid": (PromptKind.MENU, "Felaktigt val.", "Invalid choice."),
    "menu-timeout": (PromptKind.MENU, "Vi uppfattade inget val.", "We did not hear a choice."),
    "closed": (PromptKind.CLOSED,
               "Vi har stängt just nu. Välkommen att ringa igen under våra öppettider.",
               "We are closed right now. Please call again during our opening hours."),
    "goodbye": (PromptKind.OTHER, "Tack för ditt samtal. Hej då.",
                "Thank you for calling. Goodbye."),
}


def standard_prompts() -> tuple[Prompt, ...]:
    """ccctl's built-in prompts (phrases, then ``number-<n>`` pieces), Swedish and English."""
    prompts = [Prompt(id=pid, kind=kind, text={"sv": sv, "en": en})
               for pid, (kind, sv, en) in _PHRASES.items()]
    prompts += [Prompt(id=f"number-{name}", kind=PromptKind.QUEUE, text=text)
                for name, text in number_words().items()]
    return tuple(prompts)


def standard_prompt_ids() -> frozenset[str]:
    """Ids that need no ``prompts:`` entry in the YAML (for cross-reference checks)."""
    return frozenset(p.id for p in standard_prompts())


def asterisk_sounds() -> dict[str, str]:
    """Swedish texts of the files Asterisk's own apps need: ``{relative name: text}``."""
    sounds = {f"digits/{name}": text["sv"] for name, text in number_words().items()}
    sounds.update({
        "digits/1N": "ett", "digits/million": "miljon", "digits/billion": "miljard",
        "digits/minus": "minus", "digits/star": "stjärna", "digits/pound": "fyrkant",
        "queue-thankyou": "Tack för att du väntar.",
        "queue-youarenext": "Du är först i kön.",
        "queue-thereare": "Du är nummer",
        "queue-callswaiting": "i kön.",
        "queue-holdtime": "Beräknad väntetid är",
        "queue-minute": "minut.",
        "queue-minutes": "minuter.",
        "queue-seconds": "sekunder.",
        "queue-less-than": "mindre än",
        "queue-reporthold": "Väntetid",
        "queue-quantity1": "Just nu är det fler än",
        "queue-quantity2": "samtal före dig i kön.",
        "queue-periodic-announce": _PHRASES["queue-hold"][1],
        "pbx-invalid": "Felaktigt val. Försök igen.",
        "vm-goodbye": "Hej då.",
        "vm-sorry": "Tyvärr.",
        "vm-theperson": "Personen på anknytning",
        "vm-isunavail": "kan inte svara just nu.",
        "vm-isonphone": "talar i telefon.",
        "vm-intro": "Lämna ett meddelande efter tonen. Lägg på när du är klar, eller tryck "
                    "fyrkant för fler val.",
        "vm-tooshort": "Meddelandet var för kort.",
        "auth-thankyou": "Tack.",
    })
    return sounds

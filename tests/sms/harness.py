"""What the SMS tests share: a delivery-callback endpoint, a recorded sleep, test data."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from ccctl.sms import (
    DeliveryReport,
    ForgedCallbackError,
    MalformedCallbackError,
    SmsMessage,
    SmsSender,
    callback_from_aiohttp,
)

# PTS's numbers reserved for fiction (mobile series 070-174 06 05 … 99).
CITIZEN = "+46701740605"
AGENT = "+46701740606"
SENDER = "Kommunen"
SWEDISH = "Hej! Vi har försökt ringa dig från Växeln på Exempelby kommun. Åäö ÅÄÖ é ü."
LONG = ("Du bad Socialtjänsten i Exempelby kommun att ringa upp dig. Vi har försökt tre "
        "gånger utan att nå dig. Välkommen att ringa oss igen på vardagar mellan 08.00 och "
        "16.30, eller skriv till oss via e-tjänsten på kommunens webbplats. Med vänlig "
        "hälsning, Kontaktcenter.")


def message(key: str = "callback-42", body: str = SWEDISH, to: str = CITIZEN) -> SmsMessage:
    return SmsMessage(to=to, sender=SENDER, body=body, idempotency_key=key)


@dataclass
class Sleeps:
    """An injected ``sleep`` that records the waits instead of waiting."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@dataclass
class Receiver:
    """ccctl's side of delivery callbacks, as the web layer will wire it.

    ``sender`` is set once the provider (which needs this receiver's URL) exists.
    """

    sender: SmsSender | None = None
    reports: list[DeliveryReport] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        assert self.sender is not None
        try:
            report = self.sender.parse_delivery(await callback_from_aiohttp(request))
        except ForgedCallbackError:
            return web.Response(status=403)
        except MalformedCallbackError:
            return web.Response(status=400)
        self.reports.append(report)
        self.keys.append(await self.sender.record_delivery(report))
        return web.Response(status=204)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/sms/delivery", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/sms/delivery"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

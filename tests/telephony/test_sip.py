"""Real SIP calls through Kamailio (the shipped configuration) and the platform's routing
endpoint: relayed to a partner and answered there, redirected with 302, refused with 480 and
a callback in the database, and, with the platform stopped or silent, sent to the first level.
Every test checks sipp's exit code and what the platform recorded."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

from orientation.contact.models import Callback, Interaction
from tests.contact.conftest import make_platform
from tests.telephony.conftest import call, free_port, start_answerer, start_kamailio

pytestmark = [pytest.mark.telephony, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proxy(sip_tools, processes, tmp_path, live_server):
    """Kamailio asking the test server; a sipp partner queue and sipp first-level advisers."""
    partner_port, partner = start_answerer(sip_tools, processes, tmp_path)
    first_port, first = start_answerer(sip_tools, processes, tmp_path)
    platform = make_platform(
        first_level=f"sip:premier-niveau@127.0.0.1:{first_port}",
        relayed=f"sip:ml@127.0.0.1:{partner_port}",
        redirected="sip:accueil@cio-blois.example.org",
    )
    kamailio = start_kamailio(
        sip_tools,
        processes,
        tmp_path,
        routing_url=f"{live_server.url}/contact/sip/route",
        first_level=f"sip:premier-niveau@127.0.0.1:{first_port}",
    )
    return {"kamailio": kamailio, "partner": partner, "first": first, "platform": platform}


def test_a_young_caller_is_relayed_to_the_partner_queue_and_answered(sip_tools, tmp_path, proxy):
    result = call(
        sip_tools, tmp_path, proxy["kamailio"], "caller.xml", ["0254000001;jeune-16-25;formation-financement;41"]
    )
    assert result.returncode == 0, result.stdout + result.errors
    assert proxy["partner"].wait(timeout=10) == 0, "the partner's line answered the call"
    assert proxy["first"].poll() is None, "the first level was not rung"
    [logged] = Interaction.objects.all()
    assert (logged.channel, logged.action, logged.queue, logged.profile, logged.department) == (
        "sip",
        "forward",
        proxy["platform"].relayed,
        "jeune-16-25",
        "41",
    )
    assert logged.call_id
    assert logged.caller_digest
    assert logged.caller_number == ""


def test_a_call_to_a_redirecting_partner_gets_302_with_its_contact(sip_tools, tmp_path, proxy):
    result = call(sip_tools, tmp_path, proxy["kamailio"], "redirected.xml", ["0254000002;parent;scolarite;41"])
    assert result.returncode == 0, result.stdout + result.errors
    assert "redirected to sip:accueil@cio-blois.example.org" in result.log
    [logged] = Interaction.objects.all()
    assert (logged.action, logged.queue) == ("forward", proxy["platform"].redirected)


def test_a_call_to_a_closed_partner_gets_480_and_a_callback_is_scheduled(sip_tools, tmp_path, proxy):
    result = call(sip_tools, tmp_path, proxy["kamailio"], "callback.xml", ["0254000003;parent;information-jeunesse;41"])
    assert result.returncode == 0, result.stdout + result.errors
    assert "callback in " in result.log
    callback = Callback.objects.get()
    assert callback.number == "+33254000003"  # normalised to E.164
    assert callback.state == "scheduled"
    assert callback.interaction.action == "callback"
    assert callback.interaction.reason.startswith("Point information jeunesse est fermé")


def test_the_first_level_answers_what_no_rule_sends_elsewhere(sip_tools, tmp_path, proxy):
    result = call(sip_tools, tmp_path, proxy["kamailio"], "caller.xml", ["0254000004;employeur;autre;"])
    assert result.returncode == 0, result.stdout + result.errors
    assert proxy["first"].wait(timeout=10) == 0
    assert Interaction.objects.get().action == "answer"


def test_with_the_platform_stopped_the_call_reaches_the_first_level(sip_tools, processes, tmp_path, db):
    first_port, first = start_answerer(sip_tools, processes, tmp_path)
    stopped = free_port(socket.SOCK_STREAM)  # nothing listens there: the platform is down
    kamailio = start_kamailio(
        sip_tools,
        processes,
        tmp_path,
        routing_url=f"http://127.0.0.1:{stopped}/contact/sip/route",
        first_level=f"sip:premier-niveau@127.0.0.1:{first_port}",
    )
    result = call(sip_tools, tmp_path, kamailio, "caller.xml", ["0254000005;jeune-16-25;formation-financement;41"])
    assert result.returncode == 0, result.stdout + result.errors
    assert first.wait(timeout=10) == 0, "the first-level advisers answered"
    assert "routing service unavailable" in kamailio.log_text()
    assert not Interaction.objects.exists()  # nothing could be recorded: the platform was down


def test_a_platform_silent_for_more_than_2_seconds_sends_the_call_to_the_first_level(
    sip_tools, processes, tmp_path, db
):
    first_port, first = start_answerer(sip_tools, processes, tmp_path)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    try:
        kamailio = start_kamailio(
            sip_tools,
            processes,
            tmp_path,
            routing_url=f"http://127.0.0.1:{silent.getsockname()[1]}/contact/sip/route",
            first_level=f"sip:premier-niveau@127.0.0.1:{first_port}",
        )
        started = time.monotonic()
        result = call(sip_tools, tmp_path, kamailio, "caller.xml", ["0254000006;parent;scolarite;41"])
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert result.returncode == 0, result.stdout + result.errors
    assert first.wait(timeout=10) == 0
    assert accepted, "Kamailio did ask the platform"
    assert 1.8 < elapsed < 6, f"fell back after {elapsed:.1f} s"


def _late_ringing_line(sock: socket.socket, calls: int) -> None:
    """A line that answers 200 OK, then sends its 180 Ringing (as a busy proxy may pass them on),
    and answers each BYE."""

    def reply(message: str, address: tuple[str, int], status: str, body: str = "") -> None:
        lines = message.split("\r\n")
        kept = [line for line in lines if re.match(r"(?i)^(via|from|call-id|cseq|record-route):", line)]
        to = next(line for line in lines if line.lower().startswith("to:"))
        answer = [f"SIP/2.0 {status}", *kept, to if ";tag=" in to else f"{to};tag=line",
                  f"Contact: <sip:127.0.0.1:{sock.getsockname()[1]}>"]  # fmt: skip
        answer += ["Content-Type: application/sdp"] if body else []
        answer += [f"Content-Length: {len(body)}", "", body]
        sock.sendto("\r\n".join(answer).encode(), address)

    media = "v=0\r\no=line 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
    while calls:
        try:
            data, address = sock.recvfrom(65535)
        except OSError:
            return
        message = data.decode(errors="replace")
        if message.startswith("INVITE"):
            reply(message, address, "200 OK", media)
            reply(message, address, "180 Ringing")
        elif message.startswith("BYE"):
            reply(message, address, "200 OK")
            calls -= 1


def test_a_ringing_that_arrives_after_the_answer_does_not_fail_the_call(sip_tools, tmp_path):
    """A proxy's UDP workers may pass on a 180 Ringing after the 200 OK that followed it (make
    bench-telephony lost a call of 3,000 to this on a busy machine): a phone ignores a late
    provisional answer, and so does the caller's scenario."""
    line = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    line.bind(("127.0.0.1", 0))
    line.settimeout(20)
    answering = threading.Thread(target=_late_ringing_line, args=(line, 2), daemon=True)
    answering.start()
    direct = type("Direct", (), {"port": line.getsockname()[1]})()  # straight to the line, no proxy
    try:
        result = call(
            sip_tools, tmp_path, direct, "caller.xml", ["0600000001;jeune;emploi;41", "0600000002;jeune;emploi;41"]
        )
    finally:
        answering.join(timeout=5)
        line.close()
    assert result.returncode == 0, result.stdout[-3000:]

"""The client's address behind our proxies, and the digest the per-address limits count."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from orientation.utils.http import address_digest, client_address


def test_addresses_that_share_their_digits_are_not_the_same_address():
    assert address_digest("127.0.0.1") != address_digest("12.70.0.1")
    assert address_digest("1.2.3.4") != address_digest("12.3.4")  # the second is no address at all
    assert address_digest("12.3.4") == ""


def test_ipv6_counts_by_its_64_network():
    assert address_digest("2001:db8:1:2::1") == address_digest("2001:db8:1:2:ffff::9")
    assert address_digest("2001:db8:1:2::1") != address_digest("2001:db8:1:3::1")
    assert address_digest("2001:db8:1:2::1") != address_digest("2001:db8:1:2::1".replace(":", ""))


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not our proxy: its header is not believed
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "1.1.1.1, 198.51.100.1", "198.51.100.1"),  # the client wrote the first one itself
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two proxies of ours
        ("10.0.0.2", "2001:db8::7", "2001:db8::7"),
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_client_address_behind_our_proxies(settings, remote, forwarded, client):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == client

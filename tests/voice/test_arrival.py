"""What the generated dialplan hands the daemon in Stasis arguments."""

from __future__ import annotations

from ccctl.voice.arrival import parse_args


def test_given_full_arguments_then_skills_priority_and_identification_are_read() -> None:
    arrival = parse_args(("queue", "bygglov", "bygglov%3A3%2Cengelska%3A2", "10",
                          "%2Fopt%2Fccctl%2Fprompts", "identified", "anumber",
                          "Tolvan%20Tolvansson", "medb-0001", "huvudmeny%3E2%3E1"))
    assert arrival.queue == "bygglov"
    assert arrival.skills == {"bygglov": 3, "engelska": 2}
    assert arrival.priority == 10
    assert arrival.prompts == "/opt/ccctl/prompts"
    assert arrival.identification == {"status": "identified", "method": "anumber",
                                      "name": "Tolvan Tolvansson", "ref": "medb-0001"}
    assert arrival.menu_path == "huvudmeny>2>1"


def test_given_only_the_queue_then_the_rest_defaults_to_nothing() -> None:
    arrival = parse_args(("queue", "vaxel"))
    assert (arrival.skills, arrival.priority, arrival.identification) == ({}, 0, {})


def test_given_empty_or_odd_values_then_they_do_not_become_skills_or_priorities() -> None:
    arrival = parse_args(("queue", "vaxel", "", "", "", "", "", "", "", ""))
    assert (arrival.skills, arrival.priority, arrival.identification) == ({}, 0, {})
    assert parse_args(("queue", "q", "bygglov%3A9,engelska", "x")).skills == {
        "bygglov": 5, "engelska": 1}

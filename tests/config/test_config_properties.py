"""Property tests: random valid configurations load and round-trip; random single
mistakes fail with a problem located at the very line and column of the mistake."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccctl.config import ConfigError, ContactCenter, load, load_config

Config = dict[str, Any]
Mutation = tuple[Config, str, str]  # mutated config, expected field path, text at the spot

LANGUAGES = ["sv", "en", "fi", "no", "so"]  # never "de": mutations use it as an unknown one
FIRST = ["Agda", "Bodil", "Cyrus", "Dagny", "Emir", "Frida", "Gösta", "Hedda"]
LAST = ["Påhittad", "Exempelsson", "Testberg", "Fiktivsson", "Låtsasdotter"]
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
# PTS numbers for fiction: +46 8 465 004 00–99.
numbers = st.integers(400, 499).map(lambda n: f"+46846500{n}")


@st.composite
def valid_configs(draw: st.DrawFn) -> Config:
    languages = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True))
    skills = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    groups = draw(st.lists(ids, max_size=3, unique=True))
    agent_ids = draw(st.lists(ids, min_size=2, max_size=5, unique=True))
    extensions = draw(st.lists(st.from_regex(r"[0-9]{2,8}", fullmatch=True),
                               min_size=len(agent_ids), max_size=len(agent_ids), unique=True))
    agents = [{
        "id": agent_id,
        "name": f"{draw(st.sampled_from(FIRST))} {draw(st.sampled_from(LAST))}",
        "extension": extension,
        "device": draw(st.sampled_from(["sip", "webrtc"])),
        "skills": draw(st.dictionaries(st.sampled_from(skills), st.integers(1, 5))),
        "groups": draw(st.lists(st.sampled_from(groups), unique=True)) if groups else [],
        "languages": draw(st.lists(st.sampled_from(languages), unique=True)),
    } for agent_id, extension in zip(agent_ids, extensions, strict=True)]
    queue_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    queues = [{
        "id": queue_id,
        "name": {language: f"Kö {queue_id}" for language in languages},
        "skills": draw(st.dictionaries(st.sampled_from(skills), st.integers(1, 5), max_size=2)),
        "service_level": {"percent": draw(st.integers(1, 100)),
                          "within_seconds": draw(st.integers(1, 3600))},
        "wrap_up_seconds": draw(st.integers(0, 600)),
    } for queue_id in queue_ids]
    entry_numbers = draw(st.lists(numbers, min_size=1, max_size=4, unique=True))
    entry_points = [{
        "id": f"entry{index}",
        "numbers": [number],
        "language": draw(st.sampled_from([None, *languages])),
        "destination": {"queue": draw(st.sampled_from(queue_ids))},
    } for index, number in enumerate(entry_numbers)]
    return {
        "site": {"name": "Slumpkommun", "languages": languages,
                 "default_language": draw(st.sampled_from(languages))},
        "skills": [{"id": skill} for skill in skills],
        "groups": [{"id": group} for group in groups],
        "agents": agents, "queues": queues, "entry_points": entry_points,
    }


class _UnquotedDumper(yaml.SafeDumper):
    """Writes text plain even where YAML 1.1 reads it as something else: 0700, +4684…, no."""


def _plain_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    looks_like = dumper.resolve(yaml.ScalarNode, value, (True, False))
    if looks_like in (yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, "tag:yaml.org,2002:null"):
        return dumper.represent_str(value)
    return dumper.represent_scalar(looks_like, value)


_UnquotedDumper.add_representer(str, _plain_text)


@dataclass(frozen=True)
class Style:
    """How a test writes its YAML: split into an include, flow style, quoting."""

    split: bool
    flow: bool
    unquoted: bool

    def dump(self, data: Config) -> str:
        dumper = _UnquotedDumper if self.unquoted else yaml.SafeDumper
        return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=None if self.flow else False)


styles = st.builds(Style, st.booleans(), st.booleans(), st.booleans())
PLAIN = Style(split=False, flow=False, unquoted=False)


def _write(directory: Path, config: Config, style: Style) -> Path:
    """Write ``config`` as one file, or with its agents in an included file."""
    main = dict(config)
    if style.split:
        agents = style.dump({"agents": main.pop("agents")})
        (directory / "agents.yaml").write_text(agents, encoding="utf-8")
        main = {"include": ["agents.yaml"], **main}
    path = directory / "ccctl.yaml"
    path.write_text(style.dump(main), encoding="utf-8")
    return path


@SETTINGS
@given(config=valid_configs(), style=styles)
def test_given_a_random_valid_config_then_it_loads_as_written_and_round_trips(
    tmp_path_factory: Any, config: Config, style: Style
) -> None:
    directory = tmp_path_factory.mktemp("valid")

    loaded = load_config(_write(directory, config, style))

    assert loaded == ContactCenter.model_validate(config)
    again = load_config(_write(tmp_path_factory.mktemp("again"),
                               loaded.model_dump(mode="json"), PLAIN))
    assert again == loaded


def _unknown_key(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["agents"]) - 1))
    config["agents"][index]["colour"] = "blå"
    return config, f"agents[{index}].colour", "colour"


def _level_out_of_range(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["agents"]) - 1))
    skill = config["skills"][0]["id"]
    level = data.draw(st.sampled_from([0, 6, 9, 42]))
    config["agents"][index]["skills"][skill] = level
    return config, f"agents[{index}].skills.{skill}", str(level)


def _dangling_skill(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["queues"]) - 1))
    config["queues"][index]["skills"]["saknad-skill"] = 1  # '-' never appears in valid ids
    return config, f"queues[{index}].skills.saknad-skill", "saknad-skill"


def _dangling_queue(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["entry_points"]) - 1))
    config["entry_points"][index]["destination"]["queue"] = "okand-ko"
    return config, f"entry_points[{index}].destination.queue", "okand-ko"


def _duplicate_extension(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(1, len(config["agents"]) - 1))
    extension = config["agents"][0]["extension"]
    config["agents"][index]["extension"] = extension
    return config, f"agents[{index}].extension", extension


def _language_not_offered(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["entry_points"]) - 1))
    config["entry_points"][index]["language"] = "de"
    return config, f"entry_points[{index}].language", "de"


def _bad_service_level(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["queues"]) - 1))
    percent = data.draw(st.integers(101, 1000))
    config["queues"][index]["service_level"]["percent"] = percent
    return config, f"queues[{index}].service_level.percent", str(percent)


def _dangling_group(config: Config, data: st.DataObject) -> Mutation:
    index = data.draw(st.integers(0, len(config["agents"]) - 1))
    groups = config["agents"][index]["groups"]
    groups.append("okand-grupp")
    return config, f"agents[{index}].groups[{len(groups) - 1}]", "okand-grupp"


def _duplicate_queue_id(config: Config, data: st.DataObject) -> Mutation:
    twin = copy.deepcopy(data.draw(st.sampled_from(config["queues"])))
    config["queues"].append(twin)
    return config, f"queues[{len(config['queues']) - 1}].id", twin["id"]


MUTATIONS: list[Callable[[Config, st.DataObject], Mutation]] = [
    _unknown_key, _level_out_of_range, _dangling_skill, _dangling_queue,
    _duplicate_extension, _language_not_offered, _bad_service_level, _dangling_group,
    _duplicate_queue_id,
]


@SETTINGS
@given(config=valid_configs(), style=styles, data=st.data())
def test_given_one_random_mistake_then_a_problem_points_at_its_line_and_column(
    tmp_path_factory: Any, config: Config, style: Style, data: st.DataObject
) -> None:
    mutate = data.draw(st.sampled_from(MUTATIONS))
    broken, path, needle = mutate(copy.deepcopy(config), data)
    directory = tmp_path_factory.mktemp("broken")

    try:
        load(_write(directory, broken, style))
    except ConfigError as error:
        problems = [problem for problem in error.problems if problem.path == path]
    else:
        raise AssertionError(f"{mutate.__name__} was accepted")

    assert problems, f"no problem at {path}"
    problem = problems[0]
    written = problem.file.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert written[problem.column - 1:].lstrip("'\"").startswith(needle), (written, problem)

"""`devrel batch`: a week of sources from 127.0.0.1, failures isolated, resumable, the same with more workers."""

from __future__ import annotations

import json
import subprocess

import yaml

from conftest import REPO, SRT, speak_ogg


def batch_json(folder):
    return json.loads((folder / "batch.json").read_text())


def write_sources(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_a_batch_with_a_broken_item(cli, site, llm_server, tmp_path):
    speak_ogg("The first talk is about caching every step of a pipeline.", site.root / "first.ogg")
    speak_ogg("The second talk is about verifying quotes against transcripts.", site.root / "second.ogg")
    sources = write_sources(
        tmp_path,
        f"""
week: 2026-W47
items:
  - url: {site.url("first.ogg")}
    title: Caching every step
    speakers: [Ada]
    tags: [caching]
  - url: {site.url("missing.ogg")}
  - url: {site.url("second.ogg")}
    lang: en
""",
    )
    result = cli("batch", sources)
    assert result.exit_code == 1, result.output
    week = tmp_path / "outputs" / "2026-W47"
    record = batch_json(week)
    assert [item["status"] for item in record["items"]] == ["ok", "failed", "ok"]
    assert "not found (HTTP 404)" in record["items"][1]["error"]
    assert record["totals"] == record["totals"] | {"items": 3, "ok": 2, "failed": 1, "skipped": 0}
    assert record["items"][0]["tokens_in"] > 0 and record["items"][0]["stages_run"][0] == "ingest"
    source = json.loads((week / "caching-every-step" / "source.json").read_text())
    assert source["title"] == "Caching every step" and source["speakers"] == ["Ada"] and source["tags"] == ["caching"]
    assert "caching" in json.loads((week / "caching-every-step" / "outline.json").read_text())["tags"]
    digest = (week / "digest.md").read_text()
    assert digest.count("(caching-every-step/blog.md)") == 1 and "(second/blog.md)" in digest
    assert "missing.ogg" in digest.split("## Not included")[1]

    calls = len(llm_server.requests)
    again = cli("batch", sources)  # resumes: finished items come from the cache
    assert again.exit_code == 1
    assert len(llm_server.requests) == calls
    items = batch_json(week)["items"]
    assert items[0]["stages_run"] == [] and items[2]["stages_run"] == [] and items[0]["llm_calls"] == 0


def test_more_workers_give_the_same_drafts(cli, llm_server, tmp_path):
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / f"{name}.srt").write_text(SRT.replace("caching", f"{name} caching"))
    sources = write_sources(tmp_path, "items:\n" + "".join(f"  - path: {n}.srt\n" for n in ("alpha", "beta", "gamma")))
    assert cli("batch", sources, "--week", "2026-W01", "--out", tmp_path / "one", "--workers", "1").exit_code == 0
    assert cli("batch", sources, "--week", "2026-W01", "--out", tmp_path / "two", "--workers", "2").exit_code == 0
    for name in ("alpha", "beta", "gamma"):
        for artifact in ("transcript.json", "outline.json", "blog.md", "hooks.md", "community.md"):
            one = (tmp_path / "one" / "2026-W01" / name / artifact).read_text()
            assert one == (tmp_path / "two" / "2026-W01" / name / artifact).read_text(), (name, artifact)
    one_item = [item["llm_calls"] for item in batch_json(tmp_path / "one" / "2026-W01")["items"]]
    per_item = [item["llm_calls"] for item in batch_json(tmp_path / "two" / "2026-W01")["items"]]
    # each item counts its own calls, though they share one client: the same talk makes the same small calls
    # (a section question, the outline, the blog's paragraph edit, the hooks' and community's items) with any workers
    assert per_item == one_item == [len(llm_server.requests) // 6] * 3 and len(llm_server.requests) % 6 == 0


def test_a_bad_sources_file_names_the_line(cli, tmp_path):
    sources = write_sources(tmp_path, "items:\n  - url: https://example.com/a\n  - titel: typo\n")
    result = cli("batch", sources)
    assert result.exit_code == 2
    assert "sources.yaml:3: items.1" in result.output
    broken = write_sources(tmp_path, "items:\n  - url: [unclosed\n")
    assert "sources.yaml:3" in cli("batch", broken).output


def test_a_small_batch_on_local_ray(cli, llm_server, tmp_path):
    (tmp_path / "one.srt").write_text(SRT)
    (tmp_path / "two.srt").write_text(SRT.replace("caching", "hashing"))
    sources = write_sources(tmp_path, "items:\n  - path: one.srt\n  - path: two.srt\n")
    result = cli("batch", sources, "--executor", "ray", "--workers", "2", "--to", "outline", "--week", "2026-W02")
    assert result.exit_code == 0, result.output
    items = batch_json(tmp_path / "outputs" / "2026-W02")["items"]
    assert [item["status"] for item in items] == ["ok", "ok"]
    # one section (a 3-cue talk): its question, asked again once (the scripted default says the span back), then the
    # outline and the part's name
    assert all(item["llm_calls"] == 4 for item in items)
    assert (tmp_path / "outputs" / "2026-W02" / "two" / "outline.md").exists()


def test_the_weekly_workflow_calls_what_exists():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "weekly.yml").read_text())
    assert "schedule" in workflow[True]  # YAML reads the `on:` key as True
    steps = workflow["jobs"]["weekly"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "make weekly" in runs and "gh pr create" in runs
    assert subprocess.run(["make", "-n", "weekly"], cwd=REPO, capture_output=True).returncode == 0
    spec = yaml.safe_load((REPO / "sources.yaml").read_text())
    assert all((REPO / item["path"]).exists() for item in spec["items"] if "path" in item)


def test_sources_yaml_names_voices_and_their_roles(tmp_path):
    from pipeline.batch.sources import jobs_from, load_sources
    from pipeline.config import load_settings

    sources = write_sources(
        tmp_path,
        "items:\n  - path: a.txt\n    kind: interview\n    speakers:\n"
        "      SPEAKER_1: {name: Maya, role: host}\n      SPEAKER_2: Ada Lovelace\n"
        "  - path: b.txt\n    speakers: [Ada Lovelace, Grace Hopper]\n",
    )
    jobs = jobs_from(load_sources(sources), load_settings({}), expand=None, base=tmp_path)
    assert jobs[0].overrides["speaker_names"] == {"SPEAKER_1": "Maya", "SPEAKER_2": "Ada Lovelace"}
    assert jobs[0].overrides["speaker_roles"] == {"SPEAKER_1": "host"} and jobs[0].overrides["talk_kind"] == "interview"
    assert jobs[1].overrides["speakers"] == ["Ada Lovelace", "Grace Hopper"]

"""`valgus batch` without video: the manifest, the team sheet's order, and which items the
history counts as done."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.errors import InputError
from valgus.services import batch, team
from valgus.storage import Database, store
from valgus.storage import batch as done_items


def test_manifest_rows_paths_relative_to_it_and_bad_rows_kept_with_their_problem(
    tmp_path: Path,
) -> None:
    (tmp_path / "clips").mkdir()
    m = tmp_path / "clips" / "team.csv"
    m.write_text(
        "\ufeffPerson ,movement,file,date,side,mirrored\n".replace("Person ", "person")
        + "ann,squat,a.mp4,2026-11-02,left,yes\n"
        + "bob,,sub/b.mp4,,,\n"
        + "cy,squat,c.mp4,02/11/2026,,\n"
        + ",squat,d.mp4,,,\n",
        encoding="utf-8",
    )
    ann, bob, cy, nobody = batch.read_manifest(m)
    assert ann.file == (tmp_path / "clips" / "a.mp4").resolve()
    assert (ann.side, ann.mirrored, str(ann.filmed), ann.problem) == (
        "left",
        True,
        "2026-11-02",
        None,
    )
    assert bob.movement == "squat" and bob.file == (tmp_path / "clips" / "sub" / "b.mp4").resolve()
    assert cy.problem is not None and "YYYY-MM-DD" in cy.problem
    assert nobody.problem == "the row needs a person and a file"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name,file\nann,a.mp4\n", "missing: person, movement"),
        ("person,movement,file\n", "lists no recording"),
    ],
)
def test_a_manifest_that_cannot_be_used_says_why(tmp_path: Path, text: str, words: str) -> None:
    m = tmp_path / "m.csv"
    m.write_text(text)
    with pytest.raises(InputError, match=words):
        batch.read_manifest(m)


def test_a_folder_is_every_video_in_it_as_squats(tmp_path: Path) -> None:
    for name in ("zoe.MP4", "al.mov", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [(i.person, i.movement) for i in batch.read_manifest(tmp_path)] == [
        ("al", "squat"),
        ("zoe", "squat"),
    ]
    (tmp_path / "zoe.MP4").unlink()
    (tmp_path / "al.mov").unlink()
    with pytest.raises(InputError, match="holds no video"):
        batch.read_manifest(tmp_path)


def _result(shift_left_m: float) -> dict[str, object]:
    poses = make_squat_poses(Squat(medial_shift_m={"left": shift_left_m, "right": 0.0}))
    return analyze_poses(poses).result.model_dump(mode="json")


def test_the_sheet_puts_film_again_then_caving_knees_first() -> None:
    rows = team.sheet(
        [
            team.Entry("amy", "squat", "amy.mp4", _result(0.0)),
            team.Entry("ben", "squat", "ben.mp4", _result(0.06)),
            team.Entry("cat", "squat", "cat.mp4", None, "no person in the video"),
        ]
    )
    assert [(r.person, r.leg) for r in rows] == [
        ("cat", ""),
        ("ben", "left"),
        ("ben", "right"),
        ("amy", "left"),
        ("amy", "right"),
    ]
    assert rows[0].result == "refused" and rows[0].reason == "no person in the video"
    assert rows[1].attention in (team.WELL_ABOVE, team.ABOVE)
    assert rows[2].attention == team.TYPICAL  # ben's right leg, listed with his left
    text = team.csv_text(rows)
    assert text.splitlines()[0].startswith("person,movement,file,leg,result")
    assert "film again" in text.splitlines()[1]


def test_an_item_is_done_until_its_analysis_is_deleted(tmp_path: Path) -> None:
    with Database(f"sqlite:///{tmp_path / 'h.sqlite3'}") as db:
        assert done_items.ensure_person(db, "ann") is True
        assert done_items.ensure_person(db, "ann") is False
        r = analyze_poses(make_squat_poses(Squat())).result
        aid = store.add_analysis(db, "ann", r, poses_nc=None)
        done_items.record(db, "k1", "ann", aid, {"x": 1})
        done_items.record(db, "k1", "ann", aid, {"x": 1})  # twice: one row
        assert done_items.done(db, "k1") == {"x": 1}
        assert done_items.done(db, "k2") is None
        store.detach(db, "ann", "analysis", aid)
        assert done_items.done(db, "k1") is None  # detached: the rerun analyzes it again
        aid2 = store.add_analysis(db, "ann", r, poses_nc=None)
        done_items.record(db, "k1", "ann", aid2, {"x": 2})
        assert done_items.done(db, "k1") == {"x": 2}
        store.delete_person(db, "ann")
        assert done_items.done(db, "k1") is None


def _die(_job: object) -> None:
    os._exit(3)  # a worker killed mid-item (out of memory, kill -9)


def _answer(job: object) -> object:
    return job


def test_a_worker_that_dies_fails_its_item_and_the_pool_goes_on() -> None:
    runner = batch.LocalRunner(1)
    try:
        dead = runner.submit(_die, "first")  # type: ignore[arg-type]
        with pytest.raises(BrokenProcessPool):
            dead.result(timeout=60)
        alive = runner.submit(_answer, "second")  # type: ignore[arg-type]
        assert alive.result(timeout=60) == "second"
    finally:
        runner.close()


def test_a_nul_in_a_file_name_is_a_row_problem(tmp_path: Path) -> None:
    """Found by `valgus bench fuzz`: a NUL in the file column ended in a ValueError."""
    manifest = tmp_path / "team.csv"
    manifest.write_bytes(b"person,movement,file\nann,squat,a\x00b.mp4\n")
    (item,) = batch.read_manifest(manifest)
    assert item.problem == "the file name holds a NUL character"

"""Paths: an ingest of a directory never follows symbolic links out of it unless asked
(``Settings.follow_symlinks``), never loops, and reads a file reached twice once.

Each case runs the real ingest into a real SQLite file and looks at what was stored.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from newsprism.config import Settings
from newsprism.pipeline import IngestReport, ingest
from newsprism.store import open_store

INSIDE = "The harbour council voted on Monday to close the old swing bridge to all traffic.\n"
SECRET = "root:x:0:0:TOPSECRET-4471 account for the river bridge engineers:/root:/bin/sh\n"
OUTSIDE_DIR = "Engineers outside the tree reopened the river ferry two weeks ahead of schedule.\n"


def run(root: Path, db: Path, follow: bool) -> tuple[IngestReport, list[str]]:
    with open_store(db) as store:
        report = ingest(
            [str(root)], store, Settings(follow_symlinks=follow), analyze=False, cluster=False
        )
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with open_store(db, read_only=True) as store:
        bodies = sorted(a.body for a in store.iter_articles())
    return report, bodies


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/ with real files, links out of it, links inside it, loops and a dangling link."""
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "passwd").write_text(SECRET)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "story.txt").write_text(OUTSIDE_DIR)
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (root / "real" / "in.txt").write_text(INSIDE)
    (root / "passwd.txt").symlink_to(etc / "passwd")  # absolute link to a file outside
    (root / "rel_passwd.txt").symlink_to(Path("..") / "etc" / "passwd")  # relative, outside
    (root / "dir_out").symlink_to(elsewhere, target_is_directory=True)  # a directory outside
    (root / "alias").symlink_to(root / "real", target_is_directory=True)  # inside: read once
    (root / "chain.txt").symlink_to(root / "alias" / "in.txt")  # a link to a link, inside
    (root / "self_loop").symlink_to(root, target_is_directory=True)  # the root itself
    (root / "real" / "up").symlink_to(Path(".."), target_is_directory=True)  # a parent
    (root / "loop_a").symlink_to(root / "loop_b")  # a -> b -> a: never resolves
    (root / "loop_b").symlink_to(root / "loop_a")
    (root / "escape").symlink_to(tmp_path, target_is_directory=True)  # loops back in, too
    return root


def test_links_out_of_the_directory_are_not_followed(tree: Path, tmp_path: Path) -> None:
    report, bodies = run(tree, tmp_path / "closed.db", follow=False)
    assert bodies == [INSIDE.strip()]  # read once, though three paths lead to it
    assert all("TOPSECRET" not in body for body in bodies)
    assert sorted(f.reason for f in report.failed) == ["broken symbolic link"] * 2
    assert sorted(Path(f.where).name for f in report.failed) == ["loop_a", "loop_b"]


def test_links_out_are_followed_when_asked_and_loops_still_end(tree: Path, tmp_path: Path) -> None:
    report, bodies = run(tree, tmp_path / "open.db", follow=True)
    assert bodies == sorted([INSIDE.strip(), SECRET.strip(), OUTSIDE_DIR.strip()])
    assert report.new == 3
    # the passwd file is reachable by two links and through "escape": stored once
    assert sorted(Path(f.where).name for f in report.failed) == ["loop_a", "loop_b"]


def test_a_link_given_as_the_root_is_read(tree: Path, tmp_path: Path) -> None:
    link = tmp_path / "root_link"
    link.symlink_to(tree, target_is_directory=True)
    _, bodies = run(link, tmp_path / "via_link.db", follow=False)
    assert bodies == [INSIDE.strip()]


def test_a_link_swapped_to_point_outside_is_judged_by_its_target(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET)
    root = tmp_path / "root"
    root.mkdir()
    (root / "in.txt").write_text(INSIDE)
    link = root / "news.txt"
    link.symlink_to(root / "in.txt")
    _, first = run(root, tmp_path / "a.db", follow=False)
    os.unlink(link)
    link.symlink_to(outside)
    _, second = run(root, tmp_path / "b.db", follow=False)
    assert first == second == [INSIDE.strip()]


def test_an_unreadable_folder_is_a_failure_and_the_rest_is_read(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any folder")
    root = tmp_path / "root"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.txt").write_text(SECRET)
    (root / "ok.txt").write_text(INSIDE)
    os.chmod(root / "locked", 0)
    try:
        report, bodies = run(root, tmp_path / "locked.db", follow=False)
    finally:
        os.chmod(root / "locked", 0o755)
    assert bodies == [INSIDE.strip()]
    assert [f.reason for f in report.failed] == ["cannot list folder: permission denied"]

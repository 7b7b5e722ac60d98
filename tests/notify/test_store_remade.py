"""A results file deleted, emptied or made again under the running site: sign-ups and the sender go on in the
new file (the results store makes its own tables again; the subscription store must too), never an error for
ever after."""

import sqlite3
import time

import pytest

from mpass_status.checks.store import open_results
from mpass_status.notify.choices import Choices
from mpass_status.notify.stores import open_subscriptions


def signed_up(store, address: str) -> int:
    store.sign_up(address, "fi", Choices(), "client", time.time())
    return store.counts()["pending"]


def delete(database):
    for companion in database.parent.glob(database.name + "*"):
        companion.unlink()


def empty(database):
    delete(database)
    database.touch()


def made_again_by_the_results_store(database):
    delete(database)
    open_results(str(database)).prepare()


@pytest.mark.parametrize("loss", [delete, empty, made_again_by_the_results_store])
def test_sign_ups_go_on_in_a_file_deleted_or_made_again(tmp_path, loss):
    database = tmp_path / "status.sqlite3"
    store = open_subscriptions(str(database))
    assert signed_up(store, "eka@koulu.example") == 1
    loss(database)
    # The old file's subscriber is gone with it; the new one is kept, and so are the ones after it.
    assert signed_up(store, "toka@koulu.example") == 1
    assert signed_up(store, "kolmas@koulu.example") == 2
    assert store.seen() == set()


def test_tables_dropped_by_hand_are_made_again_before_the_next_operation(tmp_path):
    database = tmp_path / "status.sqlite3"
    store = open_subscriptions(str(database))
    signed_up(store, "eka@koulu.example")
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DROP TABLE subscribers")
    assert signed_up(store, "toka@koulu.example") == 1

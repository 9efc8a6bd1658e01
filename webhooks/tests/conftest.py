import pytest

from .receiver import start


@pytest.fixture
def receiver():
    receiver, server = start()
    yield receiver
    server.shutdown()
    server.server_close()

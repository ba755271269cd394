import pytest


@pytest.fixture(autouse=True)
def required_documents(db):
    """The spec's list of documents (loaded by the data migration; again here after a transactional test's flush)."""
    from memberships.reference import required_documents_seed

    required_documents_seed()

"""Sessions in the database, read with one hand-written query.

They stay in the database (they must not depend on Redis, and a logout must end them at
once), but Django's database backend loads the row through the ORM on every signed-in
request: building and compiling a one-row lookup costs about as much Python as the rest of
the session handling. The same lookup written by hand (names from the model, values bound)
reads the same row; creating, saving and deleting sessions stay Django's.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from core.rawsql import bind, name


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        sql = (f"SELECT {name(Session, 'session_data')} FROM {name(Session)}"  # noqa: S608 # nosec B608 (names from the model)
               f" WHERE {name(Session, 'session_key')} = %s AND {name(Session, 'expire_date')} > %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, bind(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's backend does: an unknown or expired key starts afresh
            return None
        return self.model(session_key=self.session_key, session_data=row[0])

"""The password hasher: Argon2id with Django's memory and time costs, in one lane.

Django's Argon2 default hashes in 8 parallel lanes, and argon2-cffi runs each lane on its own
thread: on the 2-core machine the load test uses, a sign-in took both cores for ~125 ms (210 ms
of CPU), so every page being served at that moment waited behind it. One lane costs the same
CPU on one core (~210 ms): the person signing in waits a little longer and everyone else keeps
the other core. What makes guessing expensive is unchanged: 100 MiB of memory and 2 passes
per guess (an attacker's parallelism is across guesses, not lanes; OWASP's recommended Argon2id
configurations all use one lane, with less memory than this). Hashes made with the old
parameters still verify (they carry them) and are rehashed at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SingleLaneArgon2PasswordHasher(Argon2PasswordHasher):
    parallelism = 1

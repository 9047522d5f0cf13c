"""A password hasher for tests: Django's production PBKDF2, counting the hashes it computes."""

import threading

from django.contrib.auth.hashers import PBKDF2PasswordHasher

_lock = threading.Lock()


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    computed = []  # iterations of each hash computed, in order (make_password and checks alike)
    checked = []  # passwords checked against a stored hash (check_password), in order

    def encode(self, password, salt, iterations=None):
        with _lock:
            type(self).computed.append(iterations or self.iterations)
        return super().encode(password, salt, iterations)

    def verify(self, password, encoded):
        with _lock:
            type(self).checked.append(encoded)
        return super().verify(password, encoded)

    @classmethod
    def reset(cls):
        cls.computed.clear()
        cls.checked.clear()


class CheapCountingPBKDF2PasswordHasher(CountingPBKDF2PasswordHasher):
    iterations = 1000  # the same counting for tests that count hashes without needing their full strength

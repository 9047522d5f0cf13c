"""A password hasher for tests: Django's production PBKDF2, counting the hashes it computes."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    computed = []  # iterations of each hash computed, in order

    def encode(self, password, salt, iterations=None):
        type(self).computed.append(iterations or self.iterations)
        return super().encode(password, salt, iterations)


class CheapCountingPBKDF2PasswordHasher(CountingPBKDF2PasswordHasher):
    iterations = 1000  # the same counting for tests that count hashes without needing their full strength

"""The most common passwords that still pass the length and character-class rules.

Why so short: the other rules already refuse the bulk of the public top lists
(short or single-class strings). This list catches the long, mixed ones people
pick anyway. Compared lower-cased.
"""

from __future__ import annotations

COMMON_PASSWORDS: frozenset[str] = frozenset(
    {
        "password1",
        "password12",
        "password123",
        "password1234",
        "password12345",
        "password!",
        "password1!",
        "password123!",
        "p@ssw0rd123",
        "p@ssword123",
        "passw0rd123",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "qwertyuiop1",
        "qwerty123!",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "abc1234567",
        "abcd123456",
        "abcdef1234",
        "a1b2c3d4e5",
        "iloveyou123",
        "iloveyou12",
        "welcome123",
        "welcome1234",
        "welcome123!",
        "letmein123",
        "letmein1234",
        "admin12345",
        "administrator1",
        "changeme123",
        "monkey12345",
        "dragon12345",
        "football123",
        "baseball123",
        "sunshine123",
        "princess123",
        "superman123",
        "trustno1234",
        "starwars123",
        "master12345",
        "whatever123",
        "computer123",
        "michael123",
        "jordan2323",
        "summer2024!",
        "winter2024!",
        "spring2025!",
        "autumn2025!",
        "123456789a",
        "1234567890a",
        "a123456789",
        "123qweasdzxc",
    }
)

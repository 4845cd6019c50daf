"""Cohorts (membership, sessions, attendance) and peer mentorship (pairings, goals, check-ins)."""

from pathways.cohorts.models.cohort import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortCourse,
    CohortMembership,
    CohortMode,
    CohortSession,
    CohortStatus,
    MembershipStatus,
)
from pathways.cohorts.models.mentorship import (
    CheckInMode,
    GoalStatus,
    MenteePreferences,
    MentorProfile,
    MentorProfileStatus,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingOrigin,
    PairingStatus,
)

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "CheckInMode",
    "Cohort",
    "CohortCourse",
    "CohortMembership",
    "CohortMode",
    "CohortSession",
    "CohortStatus",
    "GoalStatus",
    "MembershipStatus",
    "MenteePreferences",
    "MentorProfile",
    "MentorProfileStatus",
    "MentorshipCheckIn",
    "MentorshipGoal",
    "MentorshipPairing",
    "PairingOrigin",
    "PairingStatus",
]

"""Safety on every page: "Exit this page", the "Staying safe online" page, and session limits.

A participant's safety can depend on nobody seeing what she was doing, so the site can be left in
one action, explains what that does and does not hide, and signs people out when they walk away.
"""

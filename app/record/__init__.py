"""The Sorcery update record: its types, how it is written, and how endpoints are synced into it.

Below the services and above the database and the domain: `asterisk/`,
`events/` and `api/` read and write the record through this package, never
through `services/`.
"""

"""The coaching chat on a report (F6): questions about the report answered from its evidence."""

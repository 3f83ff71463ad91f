"""Printable documents (count sheets, reports), drawn with Qt's own PDF writer.

Qt lives here and in ui/ only. The command line imports this package inside
the command that asks for a PDF, never at start-up, so every other command
starts without loading Qt; the services never import it.
"""

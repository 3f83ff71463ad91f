"""The application shell: start-up, the main window, data files and the watcher."""

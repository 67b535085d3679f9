"""The voices: one module per outbound channel behind the `Notifier` Protocol."""

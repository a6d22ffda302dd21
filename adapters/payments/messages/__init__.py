"""ISO 20022 messages of the rail: envelope (BAH + Document), and one module per message definition."""

"""The live channel: Socket.IO namespace /live with rooms per proposal, council and meeting."""

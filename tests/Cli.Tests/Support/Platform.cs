// The protocol is Linux-only (OFD locks, /proc): so are these tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

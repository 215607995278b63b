"""The answers for centres and analysts (lookup, rpl, diff, sql): they read only what is published."""

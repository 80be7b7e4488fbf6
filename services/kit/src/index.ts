// The shared service kit: see README.md. Entries are added as the services move onto it.
export {};

#!/usr/bin/env node
// Placeholder until the certification issue wires it: says what it will do and fails nothing.
console.log('certify: no backend is wired yet; this will run reference.json on every available backend');

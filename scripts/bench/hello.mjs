// P1b's anchor: a bare Ink hello-world, unbundled (Ink and React imported from node_modules).
const { render, Text } = await import('ink');
const React = await import('react');
render(React.createElement(Text, null, 'hello from ink'));
setTimeout(() => process.exit(0), 60_000);

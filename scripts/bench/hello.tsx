// The baseline for "time to first frame": a bare Ink hello-world, bundled like lockstep.
import { Text, render } from 'ink';
import React from 'react';

render(<Text>hello from ink</Text>);
setTimeout(() => process.exit(0), 60_000);

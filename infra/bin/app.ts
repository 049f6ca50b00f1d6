import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../config.ts';
import { addPlatformStacks } from '../stacks/platform-app.ts';

const app = new App();
addPlatformStacks(app, readConfig(app.node));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();

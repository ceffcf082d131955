// The Sample Project every invited user joins: requirements, a test plan and test cases.
import type { Project } from './schemas.js';

export const SAMPLE_PROJECT_ID = 'sample-project';

export function sampleProject(now: string): Project {
  const reqs = [
    ['REQ-1', 'Users can sign in with email and password'],
    ['REQ-2', 'Administrators can invite users by email'],
    ['REQ-3', 'Sessions end after the idle timeout'],
  ];
  return {
    id: SAMPLE_PROJECT_ID,
    name: 'Sample Project',
    description: 'A project to explore: sample requirements, a test plan and test cases.',
    requirements: reqs.map(([id, title]) => ({ id, title })),
    testPlans: [{ id: 'TP-1', title: 'Release 1.0 regression' }],
    testCases: [
      { id: 'TC-1', title: 'Sign in with a valid password', requirementId: 'REQ-1' },
      { id: 'TC-2', title: 'Sign in with a wrong password is refused', requirementId: 'REQ-1' },
      { id: 'TC-3', title: 'An invitation mail carries the activation link', requirementId: 'REQ-2' },
      { id: 'TC-4', title: 'An idle session is ended', requirementId: 'REQ-3' },
    ],
    createdAt: now,
  };
}

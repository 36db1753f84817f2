import { describe, expect, it } from 'vitest';
import { addPermissionStatement, removePermissionStatement } from '../../src/core/policy.js';

const queueArn = 'arn:aws:sqs:us-east-1:000000000000:q';

describe('queue policy statements', () => {
  it('writes single values as strings and several as arrays, as AWS does', () => {
    const one = JSON.parse(addPermissionStatement({ policy: undefined, queueArn, label: 'a', accountIds: ['111122223333'], actions: ['SendMessage'] }));
    expect(one).toEqual({
      Version: '2008-10-17',
      Id: `${queueArn}/SQSDefaultPolicy`,
      Statement: [
        { Sid: 'a', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SQS:SendMessage', Resource: queueArn },
      ],
    });
    const two = JSON.parse(
      addPermissionStatement({ policy: JSON.stringify(one), queueArn, label: 'b', accountIds: ['1', '2'], actions: ['ReceiveMessage', 'DeleteMessage'] }),
    );
    expect(two.Statement[1]).toMatchObject({ Principal: { AWS: ['arn:aws:iam::1:root', 'arn:aws:iam::2:root'] }, Action: ['SQS:ReceiveMessage', 'SQS:DeleteMessage'] });
  });

  it('refuses a duplicate label and an unknown one', () => {
    const policy = addPermissionStatement({ policy: undefined, queueArn, label: 'a', accountIds: ['1'], actions: ['*'] });
    expect(() => addPermissionStatement({ policy, queueArn, label: 'a', accountIds: ['1'], actions: ['*'] })).toThrow(
      'Value a for parameter Label is invalid. Reason: Already exists.',
    );
    expect(() => removePermissionStatement(policy, queueArn, 'zz')).toThrow("Value zz for parameter Label is invalid. Reason: can't find label.");
  });

  it('drops the policy when its last statement is removed', () => {
    const policy = addPermissionStatement({ policy: undefined, queueArn, label: 'a', accountIds: ['1'], actions: ['*'] });
    expect(removePermissionStatement(policy, queueArn, 'a')).toBeUndefined();
  });
});
